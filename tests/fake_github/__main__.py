"""Run the fake GitHub standalone: `python -m tests.fake_github [seed.json]`.

Prints the API base URL and the tokens it accepts, then serves until Ctrl-C.
Point qgate at it with `GITHUB_API_URL=<printed URL>` and a printed token.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from tests.fake_github.seed import apply_seed, fake_from_seed
from tests.fake_github.server import DEFAULT_TOKEN, READ_ONLY_TOKEN, USER_TOKEN

DEMO_SEED = Path(__file__).with_name("demo-seed.json")


def main(argv: list[str] | None = None) -> int:
    """Start the fake, print how to reach it, and block until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tests.fake_github")
    parser.add_argument(
        "seed",
        nargs="?",
        type=Path,
        help=f"JSON seed file (default: {DEMO_SEED.name}); see seed.py for its shape",
    )
    parser.add_argument("--empty", action="store_true", help="seed nothing")
    parser.add_argument("--port", type=int, default=0, help="API port (default: any)")
    args = parser.parse_args(argv)

    seed_path = None if args.empty else (args.seed or DEMO_SEED)
    data = json.loads(seed_path.read_text(encoding="utf-8")) if seed_path else {}
    fake = fake_from_seed(data, port=args.port)
    apply_seed(fake, data)

    with fake:
        print(f"GITHUB_API_URL={fake.api_url}")
        print(f"GITHUB_SERVER_URL={fake.web_url}")
        print(f"GITHUB_REPOSITORY={fake.state.full_name}")
        print(f"# storage host: {fake.storage_url}")
        print(f"# tokens: {DEFAULT_TOKEN} (github-actions[bot]),")
        print(f"#         {READ_ONLY_TOKEN} (read-only), {USER_TOKEN} (octocat)")
        sys.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("# stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
