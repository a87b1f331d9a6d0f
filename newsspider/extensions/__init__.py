"""Operations extensions: the run report and health gates, progress lines and the run lock."""
