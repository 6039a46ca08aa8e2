"""Mastery rewrites built from what a statement lacks: one test per row of mastery_rewrite's decision table."""

import pytest

from analysis.goals import mastery_rewrite


@pytest.mark.parametrize("text,goal_type", [
    ("Read one article each morning", "mastery"), ("Too many meetings", "not_a_goal"), ("n/a", "unclear"),
    ("", "outcome"), (None, "performance")])
def test_no_rewrite_for_mastery_non_goals_and_blanks(text, goal_type):
    assert mastery_rewrite(text, goal_type) == ""


def test_own_action_kept_without_its_target_numbers():
    assert mastery_rewrite("Close 20 sales a month", "performance") == (
        'Close sales a month, and after each time note one thing I learnt about "sales" — judged by what I do, '
        'not by "sales".')


def test_get_better_at_becomes_practice():
    assert mastery_rewrite("I want to get better at negotiating", "outcome") == "Practise negotiating every [week]."


def test_outcome_without_own_action_gets_an_own_step_from_its_words():
    assert mastery_rewrite("Be more confident on the phone", "outcome") == (
        'Try one new way to be more confident on the phone every [week], and after each time note one thing I '
        'learnt about "confident on the phone".')


def test_performance_without_own_action_gets_a_step_and_the_dependence_named():
    assert mastery_rewrite("Get promoted to team lead this year", "performance") == (
        'Work on one step of what it takes to get promoted to team lead this year every [week], and after each '
        'time note one thing I learnt about "promoted to team lead" — judged by what I do, not by "promoted".')


def test_routine_kept_and_no_frequency_slot_added():
    out = mastery_rewrite("Call every client once a month to hit my sales target", "performance")
    assert out == ('Call every client once a month to hit my sales target, and after each time note one thing I '
                   'learnt about "hit my sales target" — judged by what I do, not by "sales" or "target".')
    assert "[week]" not in out


def test_learning_word_present_adds_no_learning_clause():
    assert mastery_rewrite("Learn more about cloud", "outcome") == "Learn more about cloud every [week]."


def test_two_statements_get_two_different_rewrites():
    """Never one fixed template: the words of the statement carry into its rewrite."""
    a = mastery_rewrite("Be a better manager", "outcome")
    b = mastery_rewrite("Be a better teacher", "outcome")
    assert a != b and '"manager"' in a and '"teacher"' in b


def test_cli_with_a_coder_writes_the_rewrite(tmp_path):
    import pandas as pd

    from analysis.cli import main

    src = tmp_path / "goals.csv"
    pd.DataFrame({"goal": ["Be a better manager", "Too many meetings"]}).to_csv(src, index=False)
    out = tmp_path / "coded.csv"
    assert main(["goals", str(src), "--text", "goal", "--coder", "default", "-o", str(out)]) == 0
    coded = pd.read_csv(out, keep_default_na=False)
    assert coded["rewrite"].tolist() == [
        'Try one new way to be a better manager every [week], and after each time note one thing I learnt about '
        '"manager".', ""]
