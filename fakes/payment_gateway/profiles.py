"""Gateway profiles as data: retry schedules and acknowledgement rules of real gateways."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProfileName = Literal["alipay", "wechat_v3", "stripe"]
M = 60.0
H = 3600.0


@dataclass(frozen=True)
class Profile:
    """How one real gateway retries notifications and what counts as an acknowledgement."""

    name: ProfileName
    # Seconds to wait before each retry after the first send (real time, uncompressed).
    retry_intervals_s: tuple[float, ...]
    ack: Literal["body_success", "status_200_204", "any_2xx"]


PROFILES: dict[str, Profile] = {
    # Alipay: 8 sends over ~25 h (its own pages disagree; override with GATEWAY_RETRY_SCHEDULE_S).
    "alipay": Profile(
        "alipay", (4 * M, 10 * M, 10 * M, 1 * H, 2 * H, 6 * H, 15 * H), "body_success"
    ),
    # WeChat Pay v3: 16 sends over ~24 h; status code wins over the body.
    "wechat_v3": Profile(
        "wechat_v3",
        (
            15,
            15,
            30,
            3 * M,
            10 * M,
            20 * M,
            30 * M,
            30 * M,
            30 * M,
            60 * M,
            3 * H,
            3 * H,
            3 * H,
            6 * H,
            6 * H,
        ),
        "status_200_204",
    ),
    # Stripe: exponential backoff for up to 3 days (~72 h in total).
    "stripe": Profile(
        "stripe",
        (1 * M, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 12 * H, 12 * H, 12 * H, 18 * H),
        "any_2xx",
    ),
}


def get_profile(name: str, override_s: tuple[float, ...] | None = None) -> Profile:
    """The named profile, optionally with its retry intervals replaced."""
    if name not in PROFILES:
        raise ValueError(f"unknown gateway profile {name!r} (one of {', '.join(PROFILES)})")
    base = PROFILES[name]
    if override_s is None:
        return base
    return Profile(base.name, tuple(override_s), base.ack)


def retry_delay_s(profile: Profile, attempt: int, compression: float) -> float | None:
    """Compressed wait after failed send number `attempt` (1-based); None when retries run out."""
    if attempt < 1 or attempt > len(profile.retry_intervals_s):
        return None
    return profile.retry_intervals_s[attempt - 1] / compression


def schedule_offsets_s(profile: Profile, compression: float) -> list[float]:
    """Compressed offsets of every send from the first one (first is 0)."""
    out = [0.0]
    for interval in profile.retry_intervals_s:
        out.append(out[-1] + interval / compression)
    return out


def max_sends(profile: Profile) -> int:
    """How many times a notification is sent at most (first send plus retries)."""
    return 1 + len(profile.retry_intervals_s)


def is_ack(profile: Profile, status: int, body: bytes) -> bool:
    """Whether the merchant's response acknowledges the notification under this profile."""
    if profile.ack == "body_success":
        return status == 200 and body.strip() == b"success"
    if profile.ack == "status_200_204":
        return status in (200, 204)
    return 200 <= status < 300
