"""Canary observability (`ObservabilitySpec`): the thresholds a link migration is gated on."""

from dataclasses import dataclass

from components.problems import Problem


@dataclass(frozen=True)
class ObservabilitySpec:
    """Canary metrics, alarms and a dashboard (components/observability.py): what a link
    migration (tools/migrate.py) watches. Needs access logging: the metrics come from it."""

    #: Alarm when the canary's 5XX responses exceed this share of its requests, in percent.
    #: Required.
    canary_5xx_percent: float
    #: Alarm when the canary's p99 latency exceeds this, in milliseconds. Required.
    canary_latency_ms: float

    def __post_init__(self) -> None:
        if not 0 < self.canary_5xx_percent <= 100:
            raise ValueError(f"canary5xxPercent {self.canary_5xx_percent} is outside (0, 100].")
        if self.canary_latency_ms <= 0:
            raise ValueError(f"canaryLatencyMs {self.canary_latency_ms} must be above 0.")

    def logging_problems(self, access_logging: bool) -> list[Problem]:
        """The canary's metrics come from the access logs."""
        if access_logging:
            return []
        return [
            (
                "observability",
                "the canary's metrics come from the access logs; set accessLogging to true "
                "(`pulumi config set accessLogging true`) or remove observability.",
            )
        ]
