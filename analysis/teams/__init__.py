"""Teams: agreement (r_wg family, AD_M, a_wg), ICC(1)/ICC(2), aggregation, anonymity and the staff report."""

from .aggregate import aggregate
from .agreement import (RgrAgreeResult, ad_m, agreement, awg, null_variance, rgr_agree, rwg, rwg_j,
                        rwg_j_lindell)
from .icc import icc
from .multilevel import TeamModelResult, centre_within_teams, team_climate_model
from .privacy import SuppressionPlan, audit_disclosure, plan_suppression
from .report import StaffReport, build_staff_report, write_staff_report

__all__ = ["agreement", "rwg", "rwg_j", "rwg_j_lindell", "ad_m", "awg", "null_variance", "rgr_agree",
           "RgrAgreeResult", "icc", "aggregate", "centre_within_teams", "team_climate_model", "TeamModelResult",
           "plan_suppression", "audit_disclosure", "SuppressionPlan", "build_staff_report", "write_staff_report",
           "StaffReport"]
