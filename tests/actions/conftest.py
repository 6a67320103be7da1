import datetime

import pytest

from tests.factories import StrategyFactory


@pytest.fixture
def strategy():
    """A strategy endorsed at the 8th AHG SOM (6 August 2014), reviewed every twelve months:
    the review reports' and their periods' tests build on it."""
    return StrategyFactory(endorsed_on=datetime.date(2014, 8, 6), review_interval_months=12)
