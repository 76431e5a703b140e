"""The derive stage: standing state that stored events add up to (force presence intervals)."""

from sitroom.derive.presence import Status, classify, presence

__all__ = ["Status", "classify", "presence"]
