"""An offline, deterministic replica of fakti.bg served over loopback HTTP.

``generator`` draws the synthetic site and its ground truth; ``articles`` and ``listings``
render pages; ``server`` is the Twisted resource; ``embedded.listen`` starts it inside a
running reactor; ``python -m newsspider.replica`` runs it standalone.
"""
