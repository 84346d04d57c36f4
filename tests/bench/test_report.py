from tests.bench.report import linear_fit, median_run


def test_linear_fit_recovers_a_line():
    fit = linear_fit([100, 1000, 5000], [3 + 0.02 * x for x in (100, 1000, 5000)])
    assert fit == {"a_s": 3.0, "b_s_per_page": 0.02, "r2": 1.0}
    assert linear_fit([100], [5.0]) is None


def test_median_run_is_the_middle_wall_time():
    runs = [(3.0, 1, 1, 1, "c"), (1.0, 1, 1, 1, "a"), (2.0, 1, 1, 1, "b")]
    assert median_run(runs)[4] == "b"
