from checks.scoring import Bands, contributions, risk_level_for, risk_score


def test_score_saturates_and_never_passes_100():
    assert risk_score([]) == 0
    assert risk_score([40]) == 40
    assert risk_score([50, 50]) == 75
    assert risk_score([90, 90, 90, 90]) == 100
    assert risk_score([100, 10]) == 100


def test_contributions_add_up_to_the_score_and_follow_the_points():
    points = [60, 25, 10]
    shares = contributions(points)
    assert sum(shares) == risk_score(points)
    assert shares[0] > shares[1] > shares[2] > 0


def test_a_100_point_signal_takes_the_whole_score():
    assert contributions([100, 30]) == [100, 0]


def test_levels_follow_the_bands():
    bands = Bands(medium=25, high=50, critical=75)
    assert [risk_level_for(s, bands) for s in (0, 24, 25, 49, 50, 74, 75, 100)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "critical",
        "critical",
    ]
