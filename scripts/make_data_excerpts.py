#!/usr/bin/env python3
"""Regenerate the project's real-data excerpts and call-type label mappings.

Developer tool, never imported by the application. Reads the shared data folder
(default ``../shared/data``, relative to the current directory) and writes:

- ``triage/data/label_mappings.csv`` and ``triage/data/README.md``
- ``dispatch/data/durham_2021_crisis_calls.csv`` and ``dispatch/data/README.md`` (with the
  parameters of the demo's random process, rendered from ``dispatch/data/demo_process.toml``)
- ``tests/fixtures/durham_calls_excerpt.csv``, ``tests/fixtures/san_diego_calls_excerpt.csv``
  and ``tests/fixtures/README.md``

The mappings below are the source of truth: the script stops with an error when a
source file contains a label that has no mapping here, or when a mapping names a label
that no longer occurs, so new data cannot be half-mapped silently. The README files
are generated too (attribution, decisions, row counts), so edit them here.

Usage: python scripts/make_data_excerpts.py [SHARED_DATA_DIR] [--out REPO_ROOT]
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

DURHAM_FILE = "durham_dpd_crisis_type_calls_2021_pilot_beats.csv"
SAN_DIEGO_FILE = "san_diego_pd_calls_for_service_2023-01-01_to_2023-01-20.csv"
SAN_DIEGO_CODES_FILE = "san_diego_pd_cfs_calltypes.csv"
SEATTLE_FILE = "seattle_spd_911_incident_response_2016-03-25.csv"

DEMO_PROCESS_FILE = "dispatch/data/demo_process.toml"

DURHAM_FIXTURE_ROWS = 600
SAN_DIEGO_FIXTURE_ROWS = 1000

# docs/domain.md section 3: the default call types and their families.
FAMILIES: dict[str, tuple[str, ...]] = {
    "behavioral": (
        "MENTAL_HEALTH",
        "SUICIDE_THREAT",
        "WELFARE_CHECK",
        "TRESPASS",
        "INTOXICATED",
        "PANHANDLING",
        "INDECENCY",
        "VERBAL_DISTURBANCE",
        "ASSIST_PERSON",
        "FOLLOW_UP",
    ),
    "police": (
        "ASSAULT",
        "SHOTS_FIRED",
        "ROBBERY",
        "BURGLARY",
        "THEFT",
        "DOMESTIC",
        "FIGHT",
        "WEAPON",
        "SUSPICIOUS",
        "TRAFFIC_ACCIDENT",
        "TRAFFIC",
        "ALARM",
        "NOISE",
        "OTHER_POLICE",
    ),
    "fire": ("FIRE", "FIRE_ALARM", "HAZMAT"),
    "ems": ("MEDICAL", "OVERDOSE", "UNCONSCIOUS", "INJURY"),
}
FAMILY_OF: dict[str, str] = {code: fam for fam, codes in FAMILIES.items() for code in codes}

# --------------------------------------------------------------------------------------
# Mappings: external label (exactly as in the source) -> canonical call type.
# --------------------------------------------------------------------------------------

DURHAM_MAP: dict[str, str] = {
    "CRISIS": "MENTAL_HEALTH",
    "INTOXICATED PERSON": "INTOXICATED",
    "PANHANDLING OR NUISANCE": "PANHANDLING",
    "SUICIDE THREAT": "SUICIDE_THREAT",
    "TRESPASS OR UNWANTED": "TRESPASS",
    "WELFARE CHECK": "WELFARE_CHECK",
}

# Every non-blank call_type code in the San Diego calls file. The comment is the code
# table's description (san_diego_pd_cfs_calltypes.csv).
SAN_DIEGO_MAP: dict[str, str] = {
    "1016": "OTHER_POLICE",  # PRISONER IN CUSTODY
    "1016P": "OTHER_POLICE",  # not in the code table; cf. 1016PT PRISONER TRANSPORT
    "1021": "OTHER_POLICE",  # PHONE YOUR STATION
    "10851": "THEFT",  # AUTO THEFT
    "10851E": "THEFT",  # EVAL-POSS UNREPORTED CAR THEFT
    "10851R": "THEFT",  # CAR THEFT REPORT
    "10851RR": "THEFT",  # CAR THEFT RECOVERY REPORT
    "10852": "THEFT",  # TAMPERING W/VEH IN PROGRESS
    "10852A": "ALARM",  # VEHICLE ALARM/AUDIBLE
    "10852C": "SUSPICIOUS",  # VEHICLE CASER
    "10852R": "THEFT",  # TAMPERING W/VEH REPORT
    "1087": "OTHER_POLICE",  # MEET OFFICER NON URGENT
    "11-6": "SHOTS_FIRED",  # DISCHARGING FIREARMS
    "11-7": "SUSPICIOUS",  # PROWLER
    "11-8": "UNCONSCIOUS",  # PERSON DOWN
    "1110M": "OTHER_POLICE",  # REPORT OF CRIME OCCD MEXICO
    "1111": "SUSPICIOUS",  # CHECK THE AREA
    "1115": "OTHER_POLICE",  # BALL GAME IN STREET
    "1130": "OTHER_POLICE",  # INCOMPLETE PHONE CALL
    "1131": "ASSIST_PERSON",  # CALLING FOR HELP
    "1131A": "ALARM",  # CALLING FOR HELP-PANIC ALARM
    "1140OD": "OVERDOSE",  # AMBULANCE CALL, OVERDOSE
    "1141": "MEDICAL",  # AMBULANCE NEEDED
    "1144": "OTHER_POLICE",  # CORONER'S CASE
    "1146": "OTHER_POLICE",  # REPORT OF DEATH
    "1147": "INJURY",  # INJURED PERSON
    "1148": "OTHER_POLICE",  # FURNISH TRANSPORTATION
    "1149": "TRAFFIC",  # TRAFFIC STOP/NO LICENSE
    "1150": "TRAFFIC",  # TRAFFIC STOP/WITH LICENSE
    "1151": "OTHER_POLICE",  # PED STOP/FIELD INTERVIEW
    "1153": "OTHER_POLICE",  # SECURITY CHECK
    "1155": "HAZMAT",  # HAZARDOUS/CHEMICAL SPILL
    "1160": "OTHER_POLICE",  # INVESTIGATE WATER LEAK
    "1166": "TRAFFIC",  # SIGNALS OUT OF ORDER
    "1171": "FIRE",  # FIRE
    "1180": "TRAFFIC_ACCIDENT",  # SERIOUS INJURY ACCIDENT
    "1181": "TRAFFIC_ACCIDENT",  # MINOR INJURY ACCIDENT
    "1181-CR": "TRAFFIC_ACCIDENT",  # MINOR INJURY ACCIDENT-COST RECOVERY
    "1181R": "TRAFFIC_ACCIDENT",  # MINOR TRAFFIC INJURY, REPORT
    "1182": "TRAFFIC_ACCIDENT",  # NON-INJURY ACCIDENT
    "1182-CR": "TRAFFIC_ACCIDENT",  # NON-INJURY ACCIDENT-COST RECOVERY
    "1183": "TRAFFIC_ACCIDENT",  # NO DETAIL ACCIDENT
    "1184": "TRAFFIC",  # TRAFFIC CONTROL
    "1184-CR": "TRAFFIC",  # TRAFFIC CONTROL-COST RECOVERY
    "1185": "TRAFFIC",  # REQUEST FOR TOW TRUCK
    "1186": "OTHER_POLICE",  # SPECIAL DETAIL
    "1188": "TRAFFIC",  # ASSIST DISABLED MOTORIST
    "146": "OTHER_POLICE",  # IMPERSONATING AN OFFICER
    "20001": "TRAFFIC_ACCIDENT",  # FELONY HIT&RUN
    "20002": "TRAFFIC_ACCIDENT",  # MISD HIT/RUN
    "20002R": "TRAFFIC_ACCIDENT",  # HIT AND RUN REPORT
    "207": "ASSAULT",  # KIDNAPPING IN PROGRESS
    "207R": "ASSAULT",  # KIDNAPPING REPORT
    "211": "ROBBERY",  # ROBBERY
    "211-SUSP": "ROBBERY",  # 211 SUSPECT THERE NOW
    "211A": "ALARM",  # ROBBERY ALARM
    "211C": "SUSPICIOUS",  # ROBBERY CASER
    "211R": "ROBBERY",  # ROBBERY REPORT
    "211SPEC": "ROBBERY",  # ROBBERY-GPS DEVICE
    "215": "ROBBERY",  # CAR JACKING
    "23103": "TRAFFIC",  # RECKLESS DRIVING
    "23110": "ASSAULT",  # THROWING OBJECTS AT AN OCC VEH
    "23152": "TRAFFIC",  # DUI
    "23152-CR": "TRAFFIC",  # DUI-COST RECOVERY
    "242": "ASSAULT",  # BATTERY
    "242R": "ASSAULT",  # BATTERY REPORT
    "245": "ASSAULT",  # ADW
    "245-SUSP": "ASSAULT",  # 245 SUSPECT THERE NOW
    "245R": "ASSAULT",  # ADW REPORT
    "246": "SHOTS_FIRED",  # FIRING AT OCCP'D HSE/VEH
    "246R": "SHOTS_FIRED",  # FIRING AT OCCP'D HSE/VEH 1110
    "247R": "SHOTS_FIRED",  # FIRING AT UNOCCPD VEH/HSE 1110
    "272": "OTHER_POLICE",  # CONTRIBUTING DELINQ MINOR
    "278R": "OTHER_POLICE",  # CHILD STEALING REPORT
    "314": "INDECENCY",  # INDECENT EXPOSURE
    "314R": "INDECENCY",  # INDECENT EXPOSURE REPORT
    "374": "OTHER_POLICE",  # LITTERING
    "402B": "OTHER_POLICE",  # ABANDONED REFRIGERATOR
    "415": "VERBAL_DISTURBANCE",  # DISTURBING PEACE
    "415CAPP": "VERBAL_DISTURBANCE",  # DIST PEACE-CAPP HOUSE
    "415CN": "NOISE",  # CONSTRUCTION NOISE COMPLAINT
    "415N": "NOISE",  # DISTURBING PEACE NOISE ONLY
    "415PP": "VERBAL_DISTURBANCE",  # PRESERVE THE PEACE
    "415TOW": "VERBAL_DISTURBANCE",  # DISTURBING PEACE RE: TOWING
    "415V": "FIGHT",  # DISTURBING PEACE W/VIOLENCE
    "415W": "WEAPON",  # DISTURBING PEACE UNCONC WEAPON
    "417": "WEAPON",  # THREATENING W/WEAPON
    "417R": "WEAPON",  # THREATENING W/WEAPON REPORT
    "422": "OTHER_POLICE",  # CRIMINAL THREATS
    "422R": "OTHER_POLICE",  # CRIMINAL THREATS REPORT
    "451": "FIRE",  # ARSON IN PROGRESS
    "459": "BURGLARY",  # BURGLARY IN PROGRESS
    "459-SUSP": "BURGLARY",  # 459 SUSPECT THERE NOW
    "459A": "ALARM",  # BURGLARY ALARM
    "459C": "SUSPICIOUS",  # BURGLARY CASER
    "459HP": "BURGLARY",  # BURGLARY HOT PROWL
    "459R": "BURGLARY",  # BURGLARY REPORT
    "470": "THEFT",  # FORGERY IN PROGRESS
    "470R": "THEFT",  # FORGERY REPORT
    "487": "THEFT",  # GRAND THEFT $950+
    "487R": "THEFT",  # GRAND THEFT/REPORT $950+
    "488": "THEFT",  # PETTY THEFT/UNDER $950
    "488R": "THEFT",  # PETTY THEFT REPORT/UNDER $950
    "496": "THEFT",  # RECEIVE/SELL STOLEN PROP
    "498": "THEFT",  # THEFT OF UTILITIES IN PROGRESS
    "503CAR": "THEFT",  # STOLEN VEHICLE LOG
    "508R": "THEFT",  # EMBEZZLEMENT, REPORT
    "5150": "MENTAL_HEALTH",  # MENTAL CASE
    "5150V": "MENTAL_HEALTH",  # MENTAL CASE-VIOLENT OR URGENT
    "518R": "THEFT",  # EXTORTION, REPORT
    "530": "THEFT",  # FALSE USE OF ANOTHERS IDENTITY
    "537": "THEFT",  # DEFRAUDING INNKEEPER, IN PROGR
    "537R": "THEFT",  # DEFRAUDING INNKEEPER REPORT
    "586": "TRAFFIC",  # ILLEGAL PARKING
    "586H": "TRAFFIC",  # ILLEGAL PARKING-HANDICAPPED
    "586O": "TRAFFIC",  # ILLEGAL OVO PARKING
    "594": "OTHER_POLICE",  # VANDALISM, IN PROGRESS
    "594GR": "OTHER_POLICE",  # GRAFFITI VANDALISM REPORT
    "594R": "OTHER_POLICE",  # VANDALISM, REPORT
    "595": "TRAFFIC",  # RUNAWAY VEHICLE
    "597": "OTHER_POLICE",  # CRUELTY TO ANIMALS, IN PROGRES
    "597R": "OTHER_POLICE",  # CRUELTY TO ANIMALS, REPORT
    "602": "TRESPASS",  # TRESPASSING
    "647B": "OTHER_POLICE",  # PROSTITUTION
    "647F": "INTOXICATED",  # DRUNK - DRUGS/ALCOHOL
    "653M": "OTHER_POLICE",  # THREATENING PHONE CALL, REPORT
    "72HR": "TRAFFIC",  # VEH VIOLATING 72HR PARKING RES
    "911": "OTHER_POLICE",  # UNK EMERG, HANG UP/OPEN LINE
    "911P": "OTHER_POLICE",  # UNK EMER,HANGUP/OPEN,PAYFONE
    "ALERT3": "FIRE",  # AIRPLANE CRASH
    "ANIMAL": "OTHER_POLICE",  # VICIOUS ANIMAL
    "APPT": "OTHER_POLICE",  # APPOINTMENT
    "ASST": "ASSIST_PERSON",  # ASSIST THE INVALID
    "AU-MP": "OTHER_POLICE",  # MISSING PERSON ALL UNITS INFO
    "AU1": "OTHER_POLICE",  # ALL UNITS INFORMATION-PRI 1
    "AU10851": "THEFT",  # AUTO THEFT ALL UNITS INFO
    "AU1171": "FIRE",  # ALL UNITS FIRE INFO-PRI 1
    "AU2": "OTHER_POLICE",  # ALL UNITS INFORMATION-PRI 2
    "AU211": "ROBBERY",  # ROBBERY-ALL UNITS INFORMATION
    "AU215": "ROBBERY",  # CAR JACK-ALL UNITS INFORMATION
    "AU23103": "TRAFFIC",  # RECKLESS DRIVING-ALL UNITS
    "AU23152": "TRAFFIC",  # DUI-ALL UNITS INFORMATION
    "AU245": "ASSAULT",  # ADW-ALL UNITS INFORMATION
    "BOL": "OTHER_POLICE",  # AU INFO/USED BY DESK OR RADIO
    "BOMB": "OTHER_POLICE",  # BOMB THREAT, DESK CALL
    "C11": "OTHER_POLICE",  # SWAT STAGING
    "C5": "OTHER_POLICE",  # STAKEOUT
    "C6": "OTHER_POLICE",  # STAYOUT OF AREA/NO RADIO TRANS
    "CC": "OTHER_POLICE",  # CITIZEN CONTACT
    "CCCC": "OTHER_POLICE",  # CHRONIC COMM CALLER CONTROL
    "CCF": "OTHER_POLICE",  # CITIZEN'S COMPLAINT INVESTIGAT
    "CCW": "WEAPON",  # CARRYING CONCEALED WEAPON
    "CITE": "OTHER_POLICE",  # ISSUE CITATION
    "COURT": "OTHER_POLICE",  # COURT
    "COVER": "OTHER_POLICE",  # COVER NOW
    "CW": "WELFARE_CHECK",  # CHECK THE WELFARE
    "DC": "OTHER_POLICE",  # DESK CALL
    "DC-S": "OTHER_POLICE",  # DESK CALL (SCHOOL)
    "DEMO": "OTHER_POLICE",  # DEMONSTRATION CALLS
    "DRAGNET": "TRAFFIC",  # ILLEGAL STREET RACING
    "DRUN": "OTHER_POLICE",  # HOMELAND SECURITY CHECKS
    "EVID": "OTHER_POLICE",  # PICK UP EVIDENCE
    "EXPLO": "FIRE",  # EXPLOSION
    "FD": "OTHER_POLICE",  # FLAG DOWN/FIELD INITIATED
    "FIREHZRD": "FIRE",  # FIREWORK HAZARD
    "FIREWORK": "NOISE",  # ALL UNITS INFORMATION (fireworks)
    "FJ": "OTHER_POLICE",  # FOUND JUVENILE
    "FOOT": "OTHER_POLICE",  # FOOT PATROL/FIELD INITIATED
    "FOUND": "OTHER_POLICE",  # FOUND PROPERTY
    "FP": "OTHER_POLICE",  # FOOT PURSUIT / WARRANT (two meanings in the table)
    "FS": "ASSIST_PERSON",  # FOUND SENILE
    "FU": "OTHER_POLICE",  # FOLLOW-UP BY FIELD UNIT
    "HATEINV": "OTHER_POLICE",  # HATE CRIME INVESTIGATION
    "HZRD": "OTHER_POLICE",  # HAZARDOUS CONDITION
    "INFO": "OTHER_POLICE",  # INFORMATION FOR DISPATCHERS
    "INFOCHP": "OTHER_POLICE",  # INFORMATION FOR CHP
    "INFOT": "OTHER_POLICE",  # INFO ON TRAFFIC,HIT & RUN-ADVISED EVENT
    "INFOX": "OTHER_POLICE",  # EXTRA PATROL INFO FOR FIELD SGT-ADVISED EVENT
    "LASER": "OTHER_POLICE",  # ILLEGAL USE OF LASER
    "LOJACK": "THEFT",  # STOLEN VEH-LOJACK
    "LOST": "OTHER_POLICE",  # REPORT OF LOST PROPERTY/PLATE
    "MEXICO": "OTHER_POLICE",  # LIAISON UNITS VISITING MEXICO
    "MJ": "OTHER_POLICE",  # MISSING JUV OF TENDER YEARS
    "MP": "OTHER_POLICE",  # MISSING PERSON, REPORT EVAL
    "MPSSTP": "TRAFFIC",  # TRAFFIC STOP FROM THE MOBILE COMPUTER
    "MS": "OTHER_POLICE",  # MISSING SENILE
    "MTG": "OTHER_POLICE",  # IN A MEETING/OUT OF SERVICE
    "NARC": "OTHER_POLICE",  # NARCOTICS ACTIVITY
    "NONU": "OTHER_POLICE",  # REQUEST FOR NON URGENT COVER
    "OVO": "TRAFFIC",  # OVERSIZED VEHICLE ORDINANCE
    "PAPER": "OTHER_POLICE",  # FINISH 1110/FIELD INITIATED
    "PARTY": "NOISE",  # LOUD PARTY
    "PLATE": "THEFT",  # LOST/STOLEN PLATE
    "POP": "OTHER_POLICE",  # PROBLEM ORIENTED POLICING
    "REPORT": "OTHER_POLICE",  # CRIME CASE NUMBER REQUEST
    "RESCUE": "FIRE",  # RESCUE CITIZENS
    "RJ": "OTHER_POLICE",  # RUNAWAY JUVENILE, REPORT
    "SCHOOL": "OTHER_POLICE",  # SCHOOL DETAIL
    "SELENF": "TRAFFIC",  # SELECTIVE ENFORCEMENT
    "SHOPS": "OTHER_POLICE",  # INFORMATION FOR SHOPS
    "SIG": "TRAFFIC",  # SIGALERT
    "SLEEPER": "TRESPASS",  # SLEEPER
    "STREET": "OTHER_POLICE",  # STREET INFORMATION
    "T": "TRAFFIC",  # TRAFFIC STOP WITH PLATE
    "TAGGER": "OTHER_POLICE",  # TAGGER VANDALISM, IN PROGRESS
    "TARASOFF": "OTHER_POLICE",  # TARASOFF REPORT
    "TLO": "OTHER_POLICE",  # TERRORISM LIAISON OFFICER
    "TP": "TRAFFIC",  # TRAFFIC PURSUIT
    "TRO": "OTHER_POLICE",  # TRO VIOLATION, REPORT
    "WARRANT": "OTHER_POLICE",  # WARRANT
}

# Every distinct `Initial Type Description` in the Seattle file.
SEATTLE_MAP: dict[str, str] = {
    "ABANDONED VEHICLE": "TRAFFIC",
    "ALARM - COMM, HOLD-UP/PANIC (EXCEPT BANKS)": "ALARM",
    "ALARM - COMM, SILENT/AUD BURG (INCL BANKS)": "ALARM",
    "ALARM - RESIDENTIAL - BURGLARY, SILENT/AUDIBLE": "ALARM",
    "ALARM - RESIDENTIAL - SILENT/AUD PANIC/DURESS": "ALARM",
    "ANIMAL - DANGEROUS": "OTHER_POLICE",
    "ANIMAL - INJURED, DEAD HAZARD": "OTHER_POLICE",
    "ASLT - IP/JO - WITH OR W/O WPNS (NO SHOOTINGS)": "ASSAULT",
    "ASLT - PERSON SHOT OR SHOT AT": "SHOTS_FIRED",
    "ASLT - WITH OR W/O WEAPONS (NO SHOOTINGS)": "ASSAULT",
    "AUTO - THEFT/LOSS, PLATES AND/OR TAB": "THEFT",
    "AUTO THEFT - VEH THEFT OR THEFT AND RECOVERY": "THEFT",
    "BURG - COMM BURGLARY (INCLUDES SCHOOLS)": "BURGLARY",
    "BURG - IP/JO - COMM BURG (INCLUDES SCHOOLS)": "BURGLARY",
    "BURG - IP/JO - RES (INCL UNOCC STRUCTURES)": "BURGLARY",
    "BURG - RES (INCL UNOCC STRUCTURES ON PROP)": "BURGLARY",
    "CRISIS - PERSON IN BEHAVIORAL/EMOTIONAL CRISIS": "MENTAL_HEALTH",
    "DETOX - PICKUP (FIRE / POLICE STANDING BY)": "INTOXICATED",
    "DETOX - REQUEST FOR": "INTOXICATED",
    "DISTURBANCE, MISCELLANEOUS/OTHER": "VERBAL_DISTURBANCE",
    "DOA - CASUALTY, DEAD BODY": "OTHER_POLICE",
    "DOWN - CHECK FOR PERSON DOWN": "UNCONSCIOUS",
    "DUI - DRIVING UNDER INFLUENCE": "TRAFFIC",
    "FIGHT - IP - PHYSICAL (NO WEAPONS)": "FIGHT",
    "FIGHT - JO - PHYSICAL (NO WEAPONS)": "FIGHT",
    "FIGHT - VERBAL/ORAL (NO WEAPONS)": "VERBAL_DISTURBANCE",
    "FOOT - ELUDING POLICE": "OTHER_POLICE",
    "FOUND - PERSON": "ASSIST_PERSON",
    "FRAUD - FORGERY,BUNCO, SCAMS, ID THEFT, ETC": "THEFT",
    "HARAS - NO BIAS, THREATS OR MALICIOUSNESS": "OTHER_POLICE",
    "HAZ - POTENTIAL THRT TO PHYS SAFETY (NO HAZMAT)": "OTHER_POLICE",
    "ILLEGAL DUMPING": "OTHER_POLICE",
    "INJURED - IP/JO - PERSON/INDUSTRIAL ACCIDENT": "INJURY",
    "LEWD - (EXPOSING, FLASHING, URINATING IN PUB)": "INDECENCY",
    "LIQUOR VIOLATIONS - ADULT": "INTOXICATED",
    "LITTERING": "OTHER_POLICE",
    "MISSING - ADULT": "OTHER_POLICE",
    "MISSING - CHILD": "OTHER_POLICE",
    "MOTOR VEHICLE COLLISION WITH INJURIES - PRIORITY 1": "TRAFFIC_ACCIDENT",
    "MOTOR VEHICLE COLLISION, BLOCKING": "TRAFFIC_ACCIDENT",
    "MOTOR VEHICLE COLLISION, HIT AND RUN": "TRAFFIC_ACCIDENT",
    "MOTOR VEHICLE COLLISION, REPORT ONLY - NON INJURY/NON BLOCKING": "TRAFFIC_ACCIDENT",
    "NARCOTICS - FOUND": "OTHER_POLICE",
    "NARCOTICS - VIOLATIONS (LOITER, USE, SELL, NARS)": "OTHER_POLICE",
    "NOISE - DIST, GENERAL (CONST, RESID, BALL PLAY)": "NOISE",
    "NOISE - DISTURBANCE (PARTY, ETC)": "NOISE",
    "NUISANCE - MISCHIEF": "OTHER_POLICE",
    "PANHANDLING, AGGRESSIVE": "PANHANDLING",
    "PARKING VIOLATION (EXCEPT ABANDONED CAR)": "TRAFFIC",
    "PARKS VIOLATIONS/CITES (INCLUDES EXCLUSIONS)": "TRESPASS",
    "PHONE - OBSCENE OR NUISANCE PHONE CALLS": "OTHER_POLICE",
    "PROPERTY - DAMAGE": "OTHER_POLICE",
    "PROPERTY - FOUND": "OTHER_POLICE",
    "PROWLER": "SUSPICIOUS",
    "ROBBERY - IP/JO (INCLUDES STRONG ARM)": "ROBBERY",
    "SECONDARY - THEFT (NOT SHOPLIFT OR SERVICES)": "THEFT",
    "SEX IN PUBLIC PLACE/VIEW (INCL MASTURBATION)": "INDECENCY",
    "SHOPLIFT - THEFT": "THEFT",
    "SHOTS - IP/JO - INCLUDES HEARD/NO ASSAULT": "SHOTS_FIRED",
    "SUSPICIOUS PERSON, VEHICLE OR INCIDENT": "SUSPICIOUS",
    "SUSPICIOUS STOP - OFFICER INITIATED ONVIEW": "SUSPICIOUS",
    "THEFT (DOES NOT INCLUDE SHOPLIFT OR SVCS)": "THEFT",
    "THEFT OF SERVICES": "THEFT",
    "THREATS (INCLS IN-PERSON/BY PHONE/IN WRITING)": "OTHER_POLICE",
    "TRAFFIC - ASSIST MOTORIST": "TRAFFIC",
    "TRAFFIC - BLOCKING ROADWAY": "TRAFFIC",
    "TRAFFIC - BO SIGNALS AND DOWN SIGNS": "TRAFFIC",
    "TRAFFIC - MOVING VIOLATION": "TRAFFIC",
    "TRAFFIC STOP - OFFICER INITIATED ONVIEW": "TRAFFIC",
    "TRESPASS": "TRESPASS",
    "TRU - COMMERCIAL BURGLARY": "BURGLARY",
    "TRU - FORGERY/CHKS/BUNCO/SCAMS/ID THEFT": "THEFT",
    "TRU - PROPERTY DESTRUCTION/DAMAGE": "OTHER_POLICE",
    "TRU - THEFT": "THEFT",
    "TRU- MOTOR VEHICLE COLLISION, HIT AND RUN AFTER THE FACT": "TRAFFIC_ACCIDENT",
    "UNKNOWN - COMPLAINT OF UNKNOWN NATURE": "OTHER_POLICE",
    "VICE - PROSTITUTION": "OTHER_POLICE",
    "WEAPN - GUN,DEADLY WPN (NO THRTS/ASLT/DIST)": "WEAPON",
    "WEAPN-IP/JO-GUN,DEADLY WPN (NO THRT/ASLT/DIST)": "WEAPON",
    "WIRES DOWN (PHONE, ELECTRICAL,ETC.)": "OTHER_POLICE",
}

SOURCES: dict[str, dict[str, str]] = {
    "durham": DURHAM_MAP,
    "san_diego": SAN_DIEGO_MAP,
    "seattle": SEATTLE_MAP,
}

ANSWER_COLUMNS = (
    "weapon",
    "violence",
    "threats",
    "medical",
    "fire_hazard",
    "crime_in_progress",
    "self_harm",
    "caller_is_subject",
    "wants_in_person",
)
DURHAM_FIXTURE_HEADER = (
    "id",
    "call_type",
    "received_at",
    *ANSWER_COLUMNS,
    "beat",
    "priority_source",
    "lat",
    "lon",
)
SAN_DIEGO_FIXTURE_HEADER = (
    "id",
    "call_type",
    "received_at",
    *ANSWER_COLUMNS,
    "beat",
    "priority_source",
    "disposition_source",
)

LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


class DataError(Exception):
    """The shared data does not look the way this script expects."""


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DataError(f"missing input file: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_san_diego_code_table(path: Path) -> dict[str, list[str]]:
    """Code -> descriptions. Handles the BOM, empty trailing columns, duplicate rows and
    codes with more than one meaning (FP)."""
    if not path.is_file():
        raise DataError(f"missing input file: {path}")
    table: dict[str, list[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader)]
        if header[:2] != ["call_type", "description"]:
            raise DataError(f"unexpected header in {path.name}: {header}")
        for row in reader:
            if not row or not row[0].strip():
                continue
            code, description = row[0].strip(), row[1].strip()
            meanings = table.setdefault(code, [])
            if description not in meanings:
                meanings.append(description)
    return table


def naive_iso(local: str, where: str) -> str:
    if not LOCAL_TIME.fullmatch(local):
        raise DataError(f"{where}: unexpected timestamp {local!r}")
    return local.replace(" ", "T")


def even_sample(n_rows: int, n_wanted: int) -> list[int]:
    """Indices of n_wanted rows spread evenly over n_rows (every k-th row, k = n/wanted,
    possibly fractional), starting with the first row."""
    if n_wanted > n_rows:
        raise DataError(f"cannot sample {n_wanted} rows out of {n_rows}")
    return [(j * n_rows) // n_wanted for j in range(n_wanted)]


def check_mapping(source: str, mapping: dict[str, str], seen: Iterable[str]) -> None:
    seen_set = set(seen)
    unmapped = sorted(seen_set - mapping.keys())
    unused = sorted(mapping.keys() - seen_set)
    unknown = sorted({t for t in mapping.values() if t not in FAMILY_OF})
    problems = []
    if unmapped:
        problems.append(f"labels without a mapping: {unmapped}")
    if unused:
        problems.append(f"mapped labels absent from the data: {unused}")
    if unknown:
        problems.append(f"unknown call types: {unknown}")
    if problems:
        raise DataError(f"{source}: " + "; ".join(problems))


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def md_cell(text: str) -> str:
    return text.replace("|", "\\|")


# --------------------------------------------------------------------------------------
# README texts (attribution copied from the shared SOURCES.md)
# --------------------------------------------------------------------------------------

GENERATED_NOTE = (
    "<!-- Generated by scripts/make_data_excerpts.py from the shared data folder;"
    " edit the script, not this file. -->"
)

ATTRIBUTION_DURHAM = """\
**Durham, NC, 2021** (`durham_dpd_crisis_type_calls_2021_pilot_beats.csv`)
- Origin: GitHub repository `sadiesheridan/dataplus-project27-community-safety-durham`
  (Duke Data+ 2022, Durham community safety), six GeoJSON map layers under
  `30_results/comsafebeats(7:24)/layers/`, converted to one CSV row per feature and
  sorted by time.
- Publisher: Durham Police Department CAD records for 2021.
- Licence: none stated in the repository.
- Scope: 4,033 calls, 2021-01-01 to 2021-12-31, only the six crisis-type natures in the
  12 beats the study chose (111 112 113 122 213 214 222 223 411 511 512 513); not all
  Durham calls. Local time is America/New_York."""

ATTRIBUTION_SAN_DIEGO = """\
**San Diego, CA, 2023-01-01 to 2023-01-20**
(`san_diego_pd_calls_for_service_2023-01-01_to_2023-01-20.csv`, code table
`san_diego_pd_cfs_calltypes.csv`)
- Origin: GitHub repository `zalvatore/Police_Calls_for_Service_San_Diego`, file
  `pd_calls_for_service_2023_datasd.csv` and the call-type code table.
- Publisher: City of San Diego open data portal (San Diego Police Department calls for
  service).
- Licence: ODC-PDDL (Open Data Commons Public Domain Dedication and License), per the
  city's catalog.
- Scope: 26,595 calls (all calls, not only crisis calls), one timestamp per call,
  block-level address, no lat/lon. The city removes domestic violence, child abuse,
  suicide, sex crimes and stalking calls before publishing. Local time is
  America/Los_Angeles."""

ATTRIBUTION_SEATTLE = """\
**Seattle, WA, 2016-03-25** (`seattle_spd_911_incident_response_2016-03-25.csv`)
- Origin: GitHub repository `clanfear/CSSS508`.
- Publisher: Seattle Police Department, "911 Incident Response" on the city's open data
  portal (older schema).
- Licence: none stated in the repository.
- Scope: 706 incidents cleared on 2016-03-25; the `Initial Type Description` column (the
  type as received) is the label mapped here."""

TRIAGE_README = """\
# Call-type label mappings

{note}

`label_mappings.csv` (header `source,external_label,call_type`) maps the labels that real
CAD systems put on calls onto the default call types of the domain specification
(docs/domain.md section 3). It seeds the editable mapping table; admins may change any row.
`external_label` is the label exactly as it appears in the source: the nature text for
Durham, the short CAD code for San Diego (decoded below), the `Initial Type Description`
text for Seattle. Rows are sorted by source, then label; each (source, label) occurs once.
The blank San Diego code (19 calls) is not mapped.

## Row counts

| source | rows | behavioral | police | fire | ems |
|---|---|---|---|---|---|
{count_rows}

## Sources and attribution

These are excerpts (label lists only) of public data; the project does not read the
original files at run time.

{durham}

{san_diego}

{seattle}

## Mapping principles

- A call type names what was reported, not who should go. The risk is decided by the
  screening answers and the rule set, so `5150V` (mental case, violent or urgent) is
  still `MENTAL_HEALTH`; it is the `weapon` / `violence` / `threats` answers that send it
  to co-response or police (rules R3 and R5).
- Labels that already say violence or a weapon leave the behavioral family: `415V`
  (disturbing the peace with violence) -> `FIGHT`, `415W` (unconcealed weapon), `417`
  (threatening with a weapon), `CCW` -> `WEAPON`. Seattle's "FIGHT - VERBAL/ORAL (NO
  WEAPONS)" stays `VERBAL_DISTURBANCE`.
- `415` (disturbing the peace) and `415PP` (preserve the peace) -> `VERBAL_DISTURBANCE`;
  noise-only variants (`415N`, `415CN`, `PARTY`) -> `NOISE`.
- Alarms of every kind (burglary, robbery, panic, vehicle) -> `ALARM`; "caser" codes
  (someone casing a place) -> `SUSPICIOUS`; reports after the fact keep the type of the
  crime (`242R` -> `ASSAULT`).
- Administrative and officer-activity codes (information logs such as `INFO`, `SHOPS`,
  `STREET`; meetings, court, desk calls, field-initiated stops, 911 hang-ups, generic
  all-units broadcasts `AU1`/`AU2`/`BOL`) -> `OTHER_POLICE`.
- Crimes without a canonical type of their own (vandalism, threats, narcotics, vice,
  animal cruelty, court-order violations, warrants) -> `OTHER_POLICE`. Fraud, forgery,
  embezzlement, extortion and identity theft -> `THEFT` (property taken without force).

## Judgement calls

| source | label | call_type | why |
|---|---|---|---|
{judgement_rows}

## San Diego codes, decoded

Description from the code table (`-` where the code is missing from it), calls in the
20-day file, and the mapped type.

| code | description | calls | call_type |
|---|---|---|---|
{sd_rows}

Share of the {sd_total:,} San Diego calls whose code maps to a behavioral-family type:
{sd_behavioral:,} ({sd_share_all:.2%}); of the {sd_nonblank:,} calls with a code:
{sd_share_nonblank:.2%}.
"""

JUDGEMENT_CALLS: tuple[tuple[str, str, str], ...] = (
    (
        "san_diego",
        "SLEEPER",
        "A complaint that someone is sleeping where they are not wanted (doorway, business,"
        " private property): the same situation Durham logs as TRESPASS OR UNWANTED, and the"
        " example docs/domain.md gives for trespass. SDPD gives it priority 3 and 75% close with"
        " no report (K). `TRESPASS` keeps it routine (P3) for the community team; a sleeper"
        " who cannot be woken is a `medical` = yes answer, which sends EMS first (R2)."
        " `ASSIST_PERSON` would raise every sleeper to P2 without evidence of need.",
    ),
    (
        "san_diego",
        "MP",
        "`OTHER_POLICE`, not `WELFARE_CHECK`: the code is a missing-person report evaluation."
        " There is no person on scene to check on, and the report (entry into state and"
        " national systems, search) is police work. A found person who needs help is a"
        " different call (`FS` -> `ASSIST_PERSON`). The same holds for `AU-MP`, `MS`"
        " (missing senile), `MJ` (missing juvenile) and Seattle's MISSING - ADULT/CHILD.",
    ),
    (
        "san_diego",
        "FS",
        "Found senile: a confused older adult who has been found and needs help getting"
        " home or to care, a nonviolent assist -> `ASSIST_PERSON`. `FJ` (found juvenile)"
        " stays `OTHER_POLICE`: custody of a minor is a police and child-protection task.",
    ),
    (
        "san_diego",
        "11-8",
        "Person down -> `UNCONSCIOUS` (EMS family), as is Seattle's DOWN - CHECK FOR PERSON"
        " DOWN. Some may prove to be sleepers, but the call as received must be ruled out"
        " medically first.",
    ),
    (
        "san_diego",
        "1131",
        "Calling for help -> `ASSIST_PERSON`. The panic-alarm variant `1131A` -> `ALARM`.",
    ),
    (
        "san_diego",
        "FU",
        "Follow-up by a field unit is police follow-up on a police case -> `OTHER_POLICE`."
        " The canonical `FOLLOW_UP` is the department's own follow-up on a behavioral call,"
        " so no external code is mapped to it.",
    ),
    (
        "san_diego",
        "CCCC",
        "Chronic community caller control is a handling code for a known frequent caller, not"
        " an incident type (priority 4, 62% never dispatched) -> `OTHER_POLICE`. A department"
        " that works frequent callers through Crisis Call Diversion may remap it to"
        " `MENTAL_HEALTH` in the admin.",
    ),
    (
        "san_diego",
        "TARASOFF",
        "A clinician's duty-to-warn report of a patient's threat against an identifiable"
        " person. The action it calls for is warning and protecting the potential victim,"
        " a police task -> `OTHER_POLICE`.",
    ),
    (
        "san_diego",
        "207",
        "Kidnapping has no canonical type; it is a crime of force against a person, so"
        " `ASSAULT`, the closest type, rather than `OTHER_POLICE`. Same for"
        " `207R`. `23110` (throwing objects at an occupied vehicle) -> `ASSAULT` for the"
        " same reason. Parental child stealing (`278R`) stays `OTHER_POLICE`.",
    ),
    (
        "san_diego",
        "422",
        "Criminal threats (also `422R`, `653M`, Seattle THREATS and HARAS) -> `OTHER_POLICE`:"
        " no threat type exists, and a threat with a weapon already has its own codes"
        " (`417` -> `WEAPON`).",
    ),
    (
        "san_diego",
        "AU1171",
        "All-units broadcasts that name a specific incident take that incident's type"
        " (`AU1171` fire -> `FIRE`, `AU23103` reckless driving -> `TRAFFIC`, `AU245` ->"
        " `ASSAULT`, `AU211`/`AU215` -> `ROBBERY`, `AU10851` -> `THEFT`); generic ones"
        " (`AU1`, `AU2`, `BOL`) -> `OTHER_POLICE`. 100 of the 132 `AU1171` calls were never"
        " dispatched to a police unit (disposition W): police are told of a fire that the"
        " fire department works, and the replay routes it `FIRE` accordingly.",
    ),
    (
        "san_diego",
        "FIREWORK",
        "Described in the code table only as ALL UNITS INFORMATION; the code names"
        " fireworks and 16 of its 47 calls are on New Year's Day: fireworks complaints ->"
        " `NOISE`. `FIREHZRD` (firework hazard) names a fire risk -> `FIRE`.",
    ),
    (
        "san_diego",
        "RESCUE",
        "Rescue citizens (SDPD priority 0): 20 of its 37 calls are on one day (2023-01-16),"
        " several at San Diego River addresses (Mission Gorge, Camino de la Reina), consistent"
        " with water and technical rescues, which are fire-rescue work -> `FIRE` (the fire"
        " family has no rescue type). `ALERT3` (airplane crash) and `EXPLO` (explosion) ->"
        " `FIRE` as well.",
    ),
    (
        "san_diego",
        "HZRD",
        "Hazardous condition (624 calls, 95% priority 1, mostly on major roads such as Mira"
        " Mesa, Balboa, Genesee: road hazards) -> `OTHER_POLICE`, not `HAZMAT`: no hazardous"
        " material is implied, and `1155` (chemical spill) is the hazmat code. Likewise"
        " `1160` water leak, and Seattle's HAZ (NO HAZMAT) and WIRES DOWN.",
    ),
    (
        "san_diego",
        "1146",
        "Report of death (and `1144` coroner's case, Seattle DOA) -> `OTHER_POLICE`: a death"
        " investigation, not a medical call.",
    ),
    (
        "san_diego",
        "ASST",
        "Assist the invalid -> `ASSIST_PERSON`; an injury or illness is a `medical` answer.",
    ),
    (
        "san_diego",
        "TRO",
        "Restraining-order violations -> `OTHER_POLICE`, not `DOMESTIC`: the code covers"
        " civil harassment and workplace orders as well as domestic ones.",
    ),
    (
        "san_diego",
        "1016P",
        "Missing from the code table; disposition A (arrest) on both calls and the prefix of"
        " `1016` (prisoner in custody) / `1016PT` (prisoner transport) -> `OTHER_POLICE`.",
    ),
    (
        "san_diego",
        "FP",
        "Has two meanings in the code table (FOOT PURSUIT, WARRANT); both are police"
        " activity -> `OTHER_POLICE`.",
    ),
    (
        "seattle",
        "LIQUOR VIOLATIONS - ADULT",
        "Public drinking; Seattle files it with the detox calls under LIQUOR VIOLATIONS ->"
        " `INTOXICATED` (both DETOX labels -> `INTOXICATED` too).",
    ),
    (
        "seattle",
        "NUISANCE - MISCHIEF",
        "Seattle files it under miscellaneous misdemeanors (mischief, minor property"
        " nuisance), not under disturbances or panhandling -> `OTHER_POLICE`. Durham's"
        " PANHANDLING OR NUISANCE is a crisis-type nature and stays `PANHANDLING`.",
    ),
    (
        "seattle",
        "PARKS VIOLATIONS/CITES (INCLUDES EXCLUSIONS)",
        "Seattle files it under TRESPASS / PARKS EXCLUSIONS (a person excluded from a park) ->"
        " `TRESPASS`.",
    ),
    (
        "seattle",
        "FOUND - PERSON",
        "A found person who needs help -> `ASSIST_PERSON`, like San Diego `FS`.",
    ),
    (
        "seattle",
        "UNKNOWN - COMPLAINT OF UNKNOWN NATURE",
        "Nothing is known of the incident -> `OTHER_POLICE`, like San Diego `911` hang-ups.",
    ),
)

DISPATCH_README = """\
# Dispatch demo data

{note}

`durham_2021_crisis_calls.csv` is an excerpt of real Durham Police Department CAD records,
used to generate demo calls whose hour-of-day, nature, priority and beat distributions are
faithful. All {rows:,} rows of the source are kept, in time order.

| column | from source column | notes |
|---|---|---|
| `received_local` | `call_datetime_local` | naive local time, America/New_York, ISO form |
| `priority` | `Priority` | Durham's CAD priority (2, 3 or 4), not Fifth Branch's P1-P3 |
| `nature` | `Nature` | CAD nature text (mapping source `durham`) |
| `beat` | `Beat` | police beat |
| `lat` | `Latitude` | as published |
| `lon` | `Longitude` | as published |

`received_local` looks like `2021-01-01T00:41:53`. Map `nature` onto call types with
`triage/data/label_mappings.csv` (source `durham`).

Natures: {natures}.
Priorities: {priorities}.

{demo_process}

## Source and attribution

{durham}
- Conversion: columns selected and renamed as above, timestamp written with a `T`; no
  rows dropped or altered. The project does not read the original file at run time.
"""

DEMO_PROCESS_SECTION = """\
## The demo's year: the random process

`python manage.py seed_demo` moves these calls by whole weeks into the {weeks} weeks before
it runs, so each keeps its weekday and local hour, and draws what a CAD record does not hold
from one `random.Random` with the parameters below. They are set in `demo_process.toml`
beside this file and nowhere else (`dispatch/demo_parameters.py` reads it); this table is
generated from it. The process draws what callers answer and what people do; the triage
engine routes every call from those answers and the schedules, and every record is written
through the console's own services (a call recorded later keeps its own times).

| parameter | value | what it draws | basis |
|---|---|---|---|
{rows}

Shares are probabilities from 0 to 1, weights are relative, a spread is a triangular
distribution (low, mode, high) and a range draws a whole number, both ends included. The
people are fictional; the service directory they are referred to is synthetic
(`care_navigation/data/demo_directory/`).\
"""

FIXTURES_README = """\
# Replay fixtures from real calls

{note}

Input files for the triage replay command. Header: `id,call_type,received_at`, the nine
screening answers of docs/domain.md section 4, then pass-through columns.

- `call_type` holds the ORIGINAL external label (Durham nature text, San Diego CAD code);
  map it with `triage/data/label_mappings.csv` (sources `durham`, `san_diego`).
- `received_at` is the original naive local time in ISO form (`2021-01-01T00:41:53`).
- The answer columns are blank: these are historical records and the questions were never
  asked, so every rule treats them as `no` (`none` for `self_harm`).

## durham_calls_excerpt.csv ({durham_rows:,} rows)

- Sampled evenly across 2021 from the {durham_total:,} time-ordered source rows: row
  (0-based) `floor(j * {durham_total} / {durham_rows})` for j = 0..{durham_last} (every k-th row
  with k = {durham_k:.2f}).
- `id` is `DUR-2021-` plus the 1-based data-row number in the source file, zero-padded to
  six digits (`DUR-2021-000001` is the first call of the year).
- Pass-through: `beat`, `priority_source` (Durham CAD priority 2/3/4), `lat`, `lon`.
- Time zone: America/New_York (the department default).
- Natures in the sample: {durham_natures}.

## san_diego_calls_excerpt.csv ({sd_rows:,} rows)

- The {sd_blank} calls with a blank `call_type` are skipped; the remaining {sd_nonblank:,}
  rows (file order: incident-number order, which is time order but for one pair one
  second apart) are sampled evenly:
  row (0-based) `floor(j * {sd_nonblank} / {sd_rows})` for j = 0..{sd_last}.
- `id` is the city's `incident_num`.
- Pass-through: `beat`, `priority_source` (SDPD priority 0-4, 9), `disposition_source`
  (SDPD disposition code).
- Time zone: **America/Los_Angeles**. The timestamps are San Diego local time; run the
  replay with the zone option set to `America/Los_Angeles`, not the department default.
- {sd_behavioral} of the {sd_rows:,} sampled calls carry a code that maps to a
  behavioral-family type.

## Sources and attribution

These are excerpts of public data; the project does not read the original files at run
time.

{durham}

{san_diego}
"""


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _parameters(table: dict[str, object], prefix: str = "") -> Iterable[tuple[str, dict]]:
    """(dotted name, entry) of every parameter, in file order."""
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and "value" in value:
            yield key, value
        elif isinstance(value, dict):
            yield from _parameters(value, key)


def _parameter_text(value: object) -> str:
    if isinstance(value, dict):
        if set(value) == {"low", "mode", "high"}:
            return f"{value['low']:g} to {value['high']:g}, mode {value['mode']:g}"
        if set(value) == {"low", "high"}:
            return f"{value['low']} to {value['high']}"
        return ", ".join(f"{k} {v:g}" for k, v in value.items())
    return f"{value:g}" if isinstance(value, float) else str(value)


def render_demo_process(path: Path) -> str:
    """The dispatch README's section on the demo's random process, from its parameter file."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    rows = [
        f"| `{key}` | {md_cell(_parameter_text(entry['value']))} | {md_cell(entry['about'])}"
        f" | {md_cell(entry['basis'])} |"
        for key, entry in _parameters(raw)
    ]
    return DEMO_PROCESS_SECTION.format(weeks=raw["history"]["weeks"]["value"], rows="\n".join(rows))


def counts_text(counter: Counter[str]) -> str:
    return ", ".join(f"{label} {n:,}" for label, n in sorted(counter.items(), key=lambda x: -x[1]))


def build(shared: Path, out: Path) -> dict[str, object]:
    durham = read_rows(shared / DURHAM_FILE)
    san_diego = read_rows(shared / SAN_DIEGO_FILE)
    seattle = read_rows(shared / SEATTLE_FILE)
    sd_codes = read_san_diego_code_table(shared / SAN_DIEGO_CODES_FILE)

    durham_labels = Counter(r["Nature"] for r in durham)
    sd_labels = Counter(r["call_type"] for r in san_diego)
    seattle_labels = Counter(r["Initial Type Description"] for r in seattle)
    sd_blank = sd_labels.pop("", 0)
    seattle_labels.pop("", None)

    check_mapping("durham", DURHAM_MAP, durham_labels)
    check_mapping("san_diego", SAN_DIEGO_MAP, sd_labels)
    check_mapping("seattle", SEATTLE_MAP, seattle_labels)

    # 1. label mappings
    mapping_rows = [
        (source, label, mapping[label])
        for source, mapping in sorted(SOURCES.items())
        for label in sorted(mapping)
    ]
    n_mappings = write_csv(
        out / "triage/data/label_mappings.csv",
        ("source", "external_label", "call_type"),
        mapping_rows,
    )

    # 3. dispatch demo data (all Durham rows)
    def durham_demo_rows() -> Iterable[tuple[str, ...]]:
        for i, r in enumerate(durham, start=1):
            yield (
                naive_iso(r["call_datetime_local"], f"durham row {i}"),
                r["Priority"],
                r["Nature"],
                r["Beat"],
                r["Latitude"],
                r["Longitude"],
            )

    n_demo = write_csv(
        out / "dispatch/data/durham_2021_crisis_calls.csv",
        ("received_local", "priority", "nature", "beat", "lat", "lon"),
        durham_demo_rows(),
    )

    # 4. replay fixtures
    blanks = ("",) * len(ANSWER_COLUMNS)
    durham_idx = even_sample(len(durham), DURHAM_FIXTURE_ROWS)
    durham_fixture = [
        (
            f"DUR-2021-{i + 1:06d}",
            durham[i]["Nature"],
            naive_iso(durham[i]["call_datetime_local"], f"durham row {i + 1}"),
            *blanks,
            durham[i]["Beat"],
            durham[i]["Priority"],
            durham[i]["Latitude"],
            durham[i]["Longitude"],
        )
        for i in durham_idx
    ]
    n_durham_fixture = write_csv(
        out / "tests/fixtures/durham_calls_excerpt.csv", DURHAM_FIXTURE_HEADER, durham_fixture
    )

    sd_nonblank = [r for r in san_diego if r["call_type"]]
    sd_idx = even_sample(len(sd_nonblank), SAN_DIEGO_FIXTURE_ROWS)
    sd_fixture = [
        (
            sd_nonblank[i]["incident_num"],
            sd_nonblank[i]["call_type"],
            naive_iso(sd_nonblank[i]["date_time"], sd_nonblank[i]["incident_num"]),
            *blanks,
            sd_nonblank[i]["beat"],
            sd_nonblank[i]["priority"],
            sd_nonblank[i]["disposition"],
        )
        for i in sd_idx
    ]
    if len({row[0] for row in sd_fixture}) != len(sd_fixture):
        raise DataError("duplicate San Diego incident numbers in the sample")
    n_sd_fixture = write_csv(
        out / "tests/fixtures/san_diego_calls_excerpt.csv", SAN_DIEGO_FIXTURE_HEADER, sd_fixture
    )

    # statistics for the READMEs and the report
    def behavioral(code: str) -> bool:
        return FAMILY_OF[SAN_DIEGO_MAP[code]] == "behavioral"

    sd_total = len(san_diego)
    sd_behavioral = sum(n for code, n in sd_labels.items() if behavioral(code))
    sd_sample_behavioral = sum(1 for row in sd_fixture if behavioral(row[1]))

    # 2. triage README
    count_rows = []
    for source, mapping in sorted(SOURCES.items()):
        fam = Counter(FAMILY_OF[t] for t in mapping.values())
        count_rows.append(
            f"| {source} | {len(mapping)} | {fam['behavioral']} | {fam['police']}"
            f" | {fam['fire']} | {fam['ems']} |"
        )
    count_rows.append(f"| **total** | **{n_mappings}** | | | | |")
    judgement_rows = []
    for source, label, why in JUDGEMENT_CALLS:
        call_type = SOURCES[source][label]  # KeyError if a judgement names an unknown label
        judgement_rows.append(f"| {source} | `{md_cell(label)}` | `{call_type}` | {md_cell(why)} |")
    sd_rows = []
    for code in sorted(SAN_DIEGO_MAP):
        description = " / ".join(sd_codes.get(code, ["-"]))
        sd_rows.append(
            f"| `{code}` | {md_cell(description)} | {sd_labels[code]:,} | {SAN_DIEGO_MAP[code]} |"
        )
    write_text(
        out / "triage/data/README.md",
        TRIAGE_README.format(
            note=GENERATED_NOTE,
            count_rows="\n".join(count_rows),
            durham=ATTRIBUTION_DURHAM,
            san_diego=ATTRIBUTION_SAN_DIEGO,
            seattle=ATTRIBUTION_SEATTLE,
            judgement_rows="\n".join(judgement_rows),
            sd_rows="\n".join(sd_rows),
            sd_total=sd_total,
            sd_behavioral=sd_behavioral,
            sd_share_all=sd_behavioral / sd_total,
            sd_nonblank=sd_total - sd_blank,
            sd_share_nonblank=sd_behavioral / (sd_total - sd_blank),
        ),
    )

    write_text(
        out / "dispatch/data/README.md",
        DISPATCH_README.format(
            note=GENERATED_NOTE,
            rows=n_demo,
            natures=counts_text(durham_labels),
            priorities=counts_text(Counter(r["Priority"] for r in durham)),
            durham=ATTRIBUTION_DURHAM,
            demo_process=render_demo_process(out / DEMO_PROCESS_FILE),
        ),
    )

    write_text(
        out / "tests/fixtures/README.md",
        FIXTURES_README.format(
            note=GENERATED_NOTE,
            durham_rows=n_durham_fixture,
            durham_total=len(durham),
            durham_last=n_durham_fixture - 1,
            durham_k=len(durham) / n_durham_fixture,
            durham_natures=counts_text(Counter(row[1] for row in durham_fixture)),
            sd_rows=n_sd_fixture,
            sd_blank=sd_blank,
            sd_nonblank=len(sd_nonblank),
            sd_last=n_sd_fixture - 1,
            sd_behavioral=sd_sample_behavioral,
            durham=ATTRIBUTION_DURHAM,
            san_diego=ATTRIBUTION_SAN_DIEGO,
        ),
    )

    return {
        "label_mappings": n_mappings,
        "mappings_per_source": {s: len(m) for s, m in SOURCES.items()},
        "durham_demo_rows": n_demo,
        "durham_fixture_rows": n_durham_fixture,
        "san_diego_fixture_rows": n_sd_fixture,
        "san_diego_blank_codes": sd_blank,
        "san_diego_behavioral_calls": sd_behavioral,
        "san_diego_total_calls": sd_total,
        "san_diego_behavioral_share": round(sd_behavioral / sd_total, 4),
        "san_diego_fixture_behavioral": sd_sample_behavioral,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "shared",
        nargs="?",
        default="../shared/data",
        help="shared data folder (default: ../shared/data)",
    )
    parser.add_argument(
        "--out",
        default=str(Path(__file__).resolve().parent.parent),
        help="repository root to write into (default: this script's repository)",
    )
    args = parser.parse_args(argv)
    try:
        summary = build(Path(args.shared), Path(args.out))
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
