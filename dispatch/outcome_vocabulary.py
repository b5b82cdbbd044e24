"""The outcome and demographic vocabulary of a clearing (docs/data-dictionary.md): what
happened to the person (arrest, police use of force, involuntary commitment, transport,
emergency-department diversion) and who they said they were. The codes are stable strings of
the API, the export and the dashboards; the labels are for people.

Demographics are self-reported and optional: "not_collected" is a value (nobody asked, or the
responder could not ask), distinct from "declined" (asked, and the person did not answer).
"""

from __future__ import annotations

NOT_COLLECTED = "not_collected"
DECLINED = "declined"

# Transport: who took the person, where, and whether they went willingly.
TRANSPORT_NONE = "none"
TRANSPORT_BY = [
    (TRANSPORT_NONE, "No transport"),
    ("heart", "Department team (HEART / co-response van)"),
    ("ems", "EMS"),
    ("police", "Police"),
    ("self", "Self / family"),
]
TRANSPORT_TO = [
    ("hospital_ed", "Hospital emergency department"),
    ("crisis_center", "Crisis center"),
    ("detox", "Detox / withdrawal management"),
    ("other", "Other"),
]
TRANSPORT_VOLUNTARY = [
    ("voluntary", "Voluntary"),
    ("involuntary", "Involuntary"),
]

AGE_BANDS = [
    ("under_18", "Under 18"),
    ("18_24", "18-24"),
    ("25_34", "25-34"),
    ("35_44", "35-44"),
    ("45_54", "45-54"),
    ("55_64", "55-64"),
    ("65_plus", "65 and over"),
    (DECLINED, "Declined to answer"),
    (NOT_COLLECTED, "Not collected"),
]
# One answer, after the US Census / OMB SPD 15 (2024) categories, with "multiple".
RACE_ETHNICITY = [
    ("american_indian_alaska_native", "American Indian or Alaska Native"),
    ("asian", "Asian"),
    ("black", "Black or African American"),
    ("hispanic_latino", "Hispanic or Latino"),
    ("middle_eastern_north_african", "Middle Eastern or North African"),
    ("native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"),
    ("white", "White"),
    ("multiple", "More than one"),
    ("other", "Another race or ethnicity"),
    (DECLINED, "Declined to answer"),
    (NOT_COLLECTED, "Not collected"),
]
GENDERS = [
    ("woman", "Woman"),
    ("man", "Man"),
    ("transgender", "Transgender"),
    ("nonbinary", "Non-binary"),
    ("another", "Another gender"),
    (DECLINED, "Declined to answer"),
    (NOT_COLLECTED, "Not collected"),
]
# After HUD's categories: literally homeless (unsheltered, sheltered) or at risk.
HOUSING_STATUSES = [
    ("housed", "Housed"),
    ("unstably_housed", "Unstably housed / at risk"),
    ("sheltered", "Homeless, sheltered"),
    ("unsheltered", "Homeless, unsheltered"),
    (DECLINED, "Declined to answer"),
    (NOT_COLLECTED, "Not collected"),
]
VETERAN_STATUSES = [
    ("yes", "Veteran"),
    ("no", "Not a veteran"),
    (DECLINED, "Declined to answer"),
    (NOT_COLLECTED, "Not collected"),
]

# The demographic fields, their choices and labels: the form, the serializer, the export and
# the dashboard cuts read this one table.
DEMOGRAPHICS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "age_band": ("Age band", AGE_BANDS),
    "race_ethnicity": ("Race and ethnicity", RACE_ETHNICITY),
    "gender": ("Gender", GENDERS),
    "housing_status": ("Housing status", HOUSING_STATUSES),
    "veteran": ("Veteran status", VETERAN_STATUSES),
}
# The yes/no outcomes: None is "not recorded" (a clearing from an old client).
FLAGS: dict[str, str] = {
    "arrest": "Arrest",
    "use_of_force": "Police use of force",
    "ivc_petitioned": "Involuntary commitment petitioned (NC IVC)",
    "ed_diverted": "Emergency department diverted",
}
