"""What stored articles teach about listed surnames: which everyday-word surnames name their
person when they stand alone.

In: a `Standing` (counted by monitor.match.tally). Out: whether its surname names the person
standing alone (`known`), and the counts and the failed test in words (`describe`, `why_not`).

"Лукашенко", "Johnson", "Orbán" are frequent words because of the person: the everyday-word
test (Zipf >= 3) silences them alone. Which of them may stand alone is not a word list's
to say but the news's: a surname that stood beside this person's given name in at least
MIN_NAMED articles, in RATIO times as many as beside any other given name (all of them
together), and was written lower-case in at most LOWER_SHARE of the articles holding it
(May, Hunt and Kim are words too), names this person alone. Counts are of articles, so a
story repeating a name does not outweigh the others.
"""

from __future__ import annotations

from monitor.model import Standing

MIN_NAMED = 5  # articles naming the person in full
RATIO = 10  # named in full at least this many times as often as beside other given names
LOWER_SHARE = 0.05  # of the articles holding the surname, at most this share lower-case


def known(standing: Standing) -> bool:
    """Whether the surname, an everyday word, names the person standing alone."""
    return (
        standing.named >= MIN_NAMED
        and standing.named >= RATIO * standing.others
        and standing.lower <= LOWER_SHARE * standing.seen
    )


def describe(standing: Standing) -> str:
    """The counts, as --explain and `rules check --against-store` say them."""
    return (
        f"in the store's articles of the last {standing.days} days: named in full in "
        f"{standing.named}, beside another given name in {standing.others}, written "
        f"lower-case in {standing.lower} of {standing.seen}"
    )


def why_not(standing: Standing) -> str:
    """Which test a surname that is not known failed."""
    if standing.named < MIN_NAMED:
        return f"named in full in fewer than {MIN_NAMED} articles"
    if standing.named < RATIO * standing.others:
        return f"not {RATIO} times as often beside this given name as beside others"
    return f"written lower-case in more than {LOWER_SHARE:.0%} of the articles holding it"
