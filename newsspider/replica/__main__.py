"""``python -m newsspider.replica``: serve the offline replica of fakti.bg on loopback."""

from __future__ import annotations

import argparse
import math
import sys

from newsspider.replica.generator import VARIANTS, parse_time


def port(text: str) -> int:
    """A TCP port number (0: any free port)."""
    number = int(text)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")
    return number


def delay(text: str) -> float:
    """A robots.txt Crawl-delay: a finite number of seconds, 0 or more."""
    seconds = float(text)
    if not (math.isfinite(seconds) and seconds >= 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a delay (seconds, 0 or more)")
    return seconds


def pages(text: str) -> int:
    """A number of search result pages, 1 or more."""
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of pages (1 or more)")
    return number


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m newsspider.replica", description=__doc__)
    p.add_argument(
        "--port", type=port, default=8765, help="TCP port on 127.0.0.1 (0: any free port)"
    )
    p.add_argument("--articles", type=int, default=300, help="number of articles (1-50000)")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--epoch", type=int, default=1, choices=(1, 2), help="starting epoch")
    start.add_argument(
        "--clock",
        type=parse_time,
        help="start at this time instead (ISO 8601, from 2025-03-01 to --now)",
    )
    p.add_argument("--faults", action="store_true", help="inject deterministic faults")
    p.add_argument(
        "--truth", metavar="FILE", help="write the starting clock's ground truth (JSONL)"
    )
    p.add_argument("--seed", type=int, default=1, help="generator seed")
    p.add_argument("--now", type=parse_time, help="epoch 2 clock, ISO 8601 (default: now)")
    p.add_argument("--crawl-delay", type=delay, default=1.0, help="robots.txt Crawl-delay")
    p.add_argument("--variant", choices=VARIANTS, help="serve every article in this markup variant")
    p.add_argument(
        "--empty-listings", action="store_true", help="serve listings, search and feeds empty"
    )
    p.add_argument(
        "--feed-omits", metavar="SECTION", help="leave this section out of the edition feeds"
    )
    p.add_argument(
        "--search-pages",
        type=pages,
        metavar="N",
        help="cap search results at N pages (page N and later: 200, no results)",
    )
    args = p.parse_args(argv)

    from twisted.internet import reactor
    from twisted.internet.error import CannotListenError

    from newsspider.replica.generator import Site
    from newsspider.replica.server import ReplicaResource, make_site

    try:
        site = Site(
            articles=args.articles,
            seed=args.seed,
            now=args.now,
            variant=args.variant,
            empty_listings=args.empty_listings,
            feed_omits=args.feed_omits,
            search_pages=args.search_pages,
        )
        res = ReplicaResource(
            site,
            epoch=args.epoch,
            clock=args.clock,
            faults=args.faults,
            crawl_delay=args.crawl_delay,
        )
    except ValueError as exc:  # (articles out of range, a clock before 2025-11-01...)
        p.error(str(exc))
    try:
        listening = reactor.listenTCP(args.port, make_site(res), interface="127.0.0.1")
    except CannotListenError as exc:  # (the port is taken)
        p.exit(1, f"{p.prog}: {exc}\n")
    if args.truth:
        site.write_truth(args.truth, res.clock)
    print(f"replica listening on http://127.0.0.1:{listening.getHost().port}", flush=True)
    reactor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
