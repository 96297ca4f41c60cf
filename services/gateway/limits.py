"""A rate limit per token: a fixed window of requests; beyond it 429 with Retry-After, so one
runaway script cannot take the services from everyone else."""

import time


class RateLimit:
    def __init__(self, requests: int, window_seconds: int):
        self.requests, self.window = requests, window_seconds
        self.counts: dict[str, tuple[int, int]] = {}  # token -> (window number, count)

    def retry_after(self, token_id: str, now: float | None = None) -> int | None:
        """None when the request may go; else the seconds until the next window."""
        now = time.time() if now is None else now
        window = int(now // self.window)
        seen_window, count = self.counts.get(token_id, (window, 0))
        count = count + 1 if seen_window == window else 1
        self.counts[token_id] = (window, count)
        if len(self.counts) > 100_000:  # old windows' tokens: forget them
            self.counts = {k: v for k, v in self.counts.items() if v[0] == window}
        if count <= self.requests:
            return None
        return max(1, int((window + 1) * self.window - now))
