"""Teams: agreement (r_wg family, AD_M, a_wg), ICC(1)/ICC(2), aggregation, anonymity and the staff report."""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".aggregation": ["aggregate"],
    ".rater_agreement": ["AgreementResult", "RgrAgreeResult", "ad_m", "agreement", "awg", "null_variance", "rgr_agree", "rwg",
                   "rwg_j", "rwg_j_lindell"],
    ".intraclass": ["IccResult", "icc"],
    ".multilevel": ["TeamModelResult", "center_within_teams", "centre_within_teams", "team_climate_model"],
    "..anonymity.privacy": ["SuppressionPlan", "plan_suppression"],
    "..anonymity.disclosure": ["audit_disclosure"],
    ".report": ["StaffReport", "build_staff_report", "write_staff_report"],
    ".waves": ["WaveReport", "build_wave_report", "welch", "write_wave_report"],
})
