"""Which strategy a page shows: the one its address names (`?strategy=SLUG`), the current one
without it; and the switch that lists every strategy a click away.

The dashboard, the register and the review report read it alike, so one address means the
same strategy on each, and the current strategy's addresses are those from before there
were several."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest

from actions.models import Strategy

PARAM = "strategy"


@dataclass(frozen=True)
class StrategyAsked:
    """The strategy shown (None when the record has none current and the address names
    none), and every strategy, latest endorsed first."""

    strategy: Strategy | None
    strategies: list[Strategy]

    def links(self, url_of: Callable[[Strategy], str]) -> list["SwitchLink"]:
        """The switch's links, `url_of` each strategy; none when there is only one."""
        if len(self.strategies) < 2:
            return []
        return [SwitchLink(strategy, url_of(strategy), strategy == self.strategy) for strategy in self.strategies]


@dataclass(frozen=True)
class SwitchLink:
    strategy: Strategy
    url: str
    chosen: bool


def strategy_asked(request: HttpRequest) -> StrategyAsked:
    """The strategy `?strategy=` names, or the current one: one query, which also lists them
    all for the switch (a handful). An address naming no strategy is not found, saying so."""
    strategies = list(Strategy.objects.for_switch())
    slug = request.GET.get(PARAM, "")
    if slug:
        chosen = next((strategy for strategy in strategies if strategy.slug == slug), None)
        if chosen is None:
            raise Http404(f"BaliTrack has no strategy “{slug[:80]}”; the links above lead to those it has.")
    else:
        chosen = next((strategy for strategy in strategies if strategy.is_current), None)
    return StrategyAsked(chosen, strategies)


def strategy_params(strategy: Strategy | None) -> dict[str, str]:
    """The address's parameter for `strategy`: none for the current one."""
    return {PARAM: strategy.slug} if strategy is not None and not strategy.is_current else {}


def strategy_query(strategy: Strategy | None) -> str:
    """`?strategy=SLUG` for a strategy that is not current, "" for the current one."""
    params = strategy_params(strategy)
    return f"?{urlencode(params)}" if params else ""
