"""Import an Open Referral HSDS (1.x) directory: organizations, services, locations, taxonomy.

Real exports are untidy, and the importer says what it did about it instead of guessing in
silence. It takes a datapackage folder (datapackage.json beside or above its CSVs) or a folder
of the CSVs alone, and reports per resource the rows read, taken and rejected with reasons,
and the repairs made to rows it took. Quirks of the 211 Miami export it handles:

- datapackage.json declares resources whose files are absent, and puts "organizations.csv"
  where the file is "data/organizations.csv";
- CSV columns differ from the declared schema (missing, extra, reordered): columns are read
  by header name and the differences are reported;
- UTF-8 text that went through a CP437 decoder and an ASCII transliteration: "GÇÖ" for "’",
  "+¡" for "á", "-á" for a no-break space; repaired where the bytes decode cleanly;
- a literal backslash-n for a line break, and "###MON###" section markers;
- duplicate ids (the taxonomy has two "J"), services whose organization is absent, links
  repeated, coordinates outside the globe.

Re-importing the same directory updates rows by their HSDS id and adds nothing twice.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import (
    NEED_CODES,
    Location,
    Organization,
    Service,
    ServiceLanguage,
    ServiceNeed,
    TaxonomyTerm,
)
from workforce.vocabulary import language_code

NEED_MAP_FILE = Path(__file__).resolve().parent / "data" / "hsds_need_map.csv"

# The HSDS resources this importer reads, with the file names HSDS 1.x gives them.
RESOURCES: dict[str, str] = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "location": "locations.csv",
    "service_at_location": "services_at_location.csv",
    "physical_address": "physical_addresses.csv",
    "phone": "phones.csv",
    "taxonomy": "taxonomy.csv",
    "service_taxonomy": "services_taxonomy.csv",
    "language": "languages.csv",
}
REQUIRED = ("organization", "service")
EXAMPLES_PER_REASON = 3


class HsdsError(Exception):
    """The path holds no HSDS directory that can be imported."""


@dataclass
class ResourceReport:
    name: str
    file: str = ""
    read: int = 0
    taken: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    schema_notes: list[str] = field(default_factory=list)

    def reject(self, reason: str, ref: str) -> None:
        self.rejected[reason] += 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < EXAMPLES_PER_REASON:
            self.examples[reason].append(ref)


@dataclass
class ImportReport:
    source: str
    resources: dict[str, ResourceReport] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    needs: Counter[str] = field(default_factory=Counter)

    def resource(self, name: str) -> ResourceReport:
        return self.resources.setdefault(name, ResourceReport(name=name))

    @property
    def taken(self) -> int:
        return sum(r.taken for r in self.resources.values())

    @property
    def rejected(self) -> int:
        return sum(sum(r.rejected.values()) for r in self.resources.values())

    def lines(self) -> list[str]:
        out = [f"HSDS import from {self.source}"]
        out += [f"warning: {w}" for w in self.warnings]
        for name in RESOURCES:
            r = self.resources.get(name)
            if r is None:
                continue
            out.append(
                f"{name} ({r.file or 'absent'}): {r.read} read, {r.taken} taken, "
                f"{sum(r.rejected.values())} rejected"
            )
            out += [f"  schema: {note}" for note in r.schema_notes]
            for reason, n in r.rejected.most_common():
                out.append(f"  rejected {n}: {reason} (e.g. {', '.join(r.examples[reason])})")
            for reason, n in r.repaired.most_common():
                out.append(f"  repaired {n}: {reason}")
        if self.needs:
            out.append(
                "services by need: "
                + ", ".join(
                    f"{need} {self.needs[need]}" for need in NEED_CODES if need in self.needs
                )
            )
        out.append(f"total: {self.taken} rows taken, {self.rejected} rejected")
        return out


# Text repair.

# "’" is E2 80 99 in UTF-8; read as CP437 that is "ΓÇÖ", and an ASCII transliteration then
# turned "Γ" into "G" (and "├" C3 into "+", "┬" C2 into "-"). Rebuild the bytes and decode.
_MOJIBAKE = re.compile(r"G([\x80-\uffff])([\x80-\uffff])|\+([\x80-\uffff])|-([\x80-\uffff])")
_MARKER = re.compile(r"#{3}[A-Z]{2,5}#{3}")
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\ufeff"}


# The transliteration also folded CP437's "⌐" (A9) into "¬" (AA): "Caf+¬" is "Café" and
# "501-¬3" is "501©3". Its "¦" stands for several box-drawing bytes and is left alone.
_FOLDED = {"¬": b"\xa9"}


def _byte(char: str) -> bytes:
    return _FOLDED.get(char) or char.encode("cp437")


def _unmangle(match: re.Match[str]) -> str:
    try:
        if match.group(1):
            raw = b"\xe2" + _byte(match.group(1)) + _byte(match.group(2))
        elif match.group(3):
            raw = b"\xc3" + _byte(match.group(3))
        else:
            raw = b"\xc2" + _byte(match.group(4))
        fixed = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group(0)
    if fixed in _ZERO_WIDTH:
        return ""
    if fixed == "\xa0":
        return " "
    if unicodedata.category(fixed).startswith("C"):
        return match.group(0)  # decodes to a control character: it was real text after all
    return fixed


def clean_text(value: str | None) -> tuple[str, list[str]]:
    """The repaired text and the names of the repairs made."""
    if not value:
        return "", []
    text = value
    repairs: list[str] = []
    fixed = _MOJIBAKE.sub(_unmangle, text)
    if fixed != text:
        repairs.append("mis-encoded characters repaired")
        text = fixed
    if "\\n" in text or "\\r" in text or "\\t" in text:
        text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n")
        text = text.replace("\\t", " ")
        repairs.append("literal \\n turned into line breaks")
    if _MARKER.search(text):
        text = _MARKER.sub("", text)
        repairs.append("section markers such as ###MON### removed")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, repairs


def _url(value: str) -> tuple[str, list[str]]:
    value = value.strip()
    if not value:
        return "", []
    if re.match(r"^https?://", value, re.I):
        return value, []
    if re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", value, re.I):
        return f"http://{value}", ["web address without http:// completed"]
    return "", ["web address that is not one dropped"]


def _email(value: str) -> tuple[str, list[str]]:
    value = value.strip()
    if not value:
        return "", []
    if re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", value, re.I):
        return value, []
    return "", ["e-mail address that is not one dropped"]


def _coordinate(value: str, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or abs(number) > limit:  # NaN or off the globe
        return None
    return number


# Reading files.


@dataclass
class Source:
    base: Path
    files: dict[str, Path]
    declared: dict[str, list[str]]  # resource -> declared column names (from datapackage)


def _locate(path: Path, report: ImportReport) -> Source:
    if path.is_file() and path.name == "datapackage.json":
        path = path.parent
    if not path.is_dir():
        raise HsdsError(f"{path} is not a folder or a datapackage.json")
    package = path / "datapackage.json"
    declared: dict[str, list[str]] = {}
    paths: dict[str, str] = dict(RESOURCES)
    if package.exists():
        try:
            meta = json.loads(package.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise HsdsError(f"{package} is not valid JSON: {exc}") from exc
        absent: list[str] = []
        for resource in meta.get("resources", []):
            name = str(resource.get("name", ""))
            rel = str(resource.get("path", ""))
            fields = [str(f.get("name")) for f in resource.get("schema", {}).get("fields", [])]
            if name in RESOURCES and rel:
                paths[name] = rel
                declared[name] = fields
            if rel and _find(path, rel) is None:
                absent.append(rel)
        if absent:
            report.warnings.append(
                f"datapackage.json lists {len(absent)} resources with no file: {', '.join(absent)}"
            )
    files: dict[str, Path] = {}
    for name, rel in paths.items():
        found = _find(path, rel) or _find(path, RESOURCES[name])
        if found is not None:
            files[name] = found
    missing = [name for name in REQUIRED if name not in files]
    if missing:
        raise HsdsError(
            f"no {' or '.join(RESOURCES[m] for m in missing)} in {path} (or its data/ folder)"
        )
    return Source(base=path, files=files, declared=declared)


def _find(base: Path, rel: str) -> Path | None:
    candidate = Path(rel)
    for option in (base / candidate, base / "data" / candidate, base / "data" / candidate.name):
        if option.is_file():
            return option
    return None


def _rows(source: Source, name: str, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column name) for a resource; nothing if its file is absent."""
    path = source.files.get(name)
    part = report.resource(name)
    if path is None:
        return
    part.file = (
        str(path.relative_to(source.base)) if path.is_relative_to(source.base) else str(path)
    )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252", errors="replace")
        part.schema_notes.append("not UTF-8: read as Windows-1252")
    csv.field_size_limit(10_000_000)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    declared = source.declared.get(name)
    if declared:
        absent = [c for c in declared if c not in header]
        extra = [c for c in header if c not in declared]
        if absent:
            part.schema_notes.append(f"declared columns absent: {', '.join(absent)}")
        if extra:
            part.schema_notes.append(f"undeclared columns ignored: {', '.join(extra)}")
        if not absent and not extra and header != declared:
            part.schema_notes.append("columns in a different order than declared")
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        part.read += 1
        if len(values) != len(header):
            part.reject(f"{len(values)} values for {len(header)} columns", f"line {number}")
            continue
        yield number, dict(zip(header, values, strict=True))


def _need_map() -> list[tuple[str, str]]:
    with NEED_MAP_FILE.open(encoding="utf-8", newline="") as handle:
        pairs = [(row["prefix"].strip(), row["need"].strip()) for row in csv.DictReader(handle)]
    for _, need in pairs:
        if need not in NEED_CODES:
            raise HsdsError(f"{NEED_MAP_FILE.name} names an unknown need {need!r}")
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def need_for_code(code: str, mapping: list[tuple[str, str]] | None = None) -> str:
    """The need an AIRS/211 taxonomy code serves (longest prefix wins), or ''."""
    for prefix, need in mapping if mapping is not None else _need_map():
        if code == prefix or code.startswith(prefix):
            return need
    return ""


# The import.


def _text(row: dict[str, str], column: str, part: ResourceReport) -> str:
    value, repairs = clean_text(row.get(column, ""))
    for repair in repairs:
        part.repaired[repair] += 1
    return value


def _keyed(
    rows: Iterator[tuple[int, dict[str, str]]], part: ResourceReport, *, need_name: bool = True
) -> Iterator[tuple[int, str, dict[str, str]]]:
    seen: set[str] = set()
    for number, row in rows:
        key = row.get("id", "").strip()
        if not key:
            part.reject("no id", f"line {number}")
            continue
        if key in seen:
            part.reject("duplicate id (the first row was kept)", f"id {key}")
            continue
        if need_name and not row.get("name", "").strip():
            part.reject("no name", f"id {key}")
            continue
        seen.add(key)
        yield number, key, row


@dataclass
class _Directory:
    """What the files gave, keyed by HSDS id, before anything is stored."""

    terms: dict[str, TaxonomyTerm] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    service_org: dict[str, str] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    service_locations: dict[str, list[str]] = field(default_factory=dict)
    service_terms: dict[str, list[str]] = field(default_factory=dict)
    service_needs: dict[str, set[str]] = field(default_factory=dict)
    service_languages: dict[str, set[str]] = field(default_factory=dict)


def hsds_import(*, path: Path | str, by: Any = None) -> ImportReport:
    """Import the directory at `path` in one transaction and return what was taken and why
    the rest was not. Raises HsdsError when the path holds no HSDS directory."""
    report = ImportReport(source=str(path))
    source = _locate(Path(path), report)
    d = _Directory()
    d.terms = _taxonomy_read(source, report, _need_map())
    d.organizations = _organizations_read(source, report)
    d.services, d.service_org = _services_read(source, report, d.organizations, timezone.now())
    d.locations = _locations_read(source, report)
    _addresses_read(source, report, d.locations)
    _phones_read(source, report, d.services)
    d.service_languages = _languages_read(source, report, d.services)
    d.service_locations = _links(
        source, report, "service_at_location", "location_id", d.services, d.locations
    )
    d.service_terms = _links(source, report, "service_taxonomy", "taxonomy_id", d.services, d.terms)

    report.resource("taxonomy").taken = len(d.terms)
    report.resource("organization").taken = len(d.organizations)
    report.resource("service").taken = len(d.services)
    report.resource("location").taken = len(d.locations)

    for service_key in d.services:
        found = {d.terms[t].need for t in d.service_terms.get(service_key, ()) if d.terms[t].need}
        d.service_needs[service_key] = found or {"other"}
        report.needs.update(d.service_needs[service_key])

    with transaction.atomic():
        _directory_store(d)
        audit_record(
            action="directory.import",
            user=by,
            object_type=Service._meta.label_lower,
            detail={"source": str(path), "taken": report.taken, "rejected": report.rejected},
        )
    return report


def _taxonomy_read(
    source: Source, report: ImportReport, mapping: list[tuple[str, str]]
) -> dict[str, TaxonomyTerm]:
    terms: dict[str, TaxonomyTerm] = {}
    part = report.resource("taxonomy")
    for _, key, row in _keyed(_rows(source, "taxonomy", report), part):
        terms[key] = TaxonomyTerm(
            hsds_id=key[:100],
            name=_text(row, "name", part)[:300],
            parent_hsds_id=row.get("parent_id", "").strip()[:100],
            vocabulary=row.get("vocabulary", "").strip()[:200],
            need=need_for_code(key, mapping),
        )
    return terms


def _organizations_read(source: Source, report: ImportReport) -> dict[str, Organization]:
    organizations: dict[str, Organization] = {}
    part = report.resource("organization")
    for _, key, row in _keyed(_rows(source, "organization", report), part):
        url, url_notes = _url(row.get("url", ""))
        email, email_notes = _email(row.get("email", ""))
        for note in url_notes + email_notes:
            part.repaired[note] += 1
        organizations[key] = Organization(
            hsds_id=key[:100],
            name=_text(row, "name", part)[:300],
            description=_text(row, "description", part),
            url=url[:500],
            email=email[:254],
        )
    return organizations


def _services_read(
    source: Source,
    report: ImportReport,
    organizations: dict[str, Organization],
    now: datetime,
) -> tuple[dict[str, Service], dict[str, str]]:
    """The services, and the organization of each (by HSDS id) where it is known."""
    services: dict[str, Service] = {}
    service_org: dict[str, str] = {}
    part = report.resource("service")
    for _, key, row in _keyed(_rows(source, "service", report), part):
        org = row.get("organization_id", "").strip()
        if org and org not in organizations:
            part.repaired["organization_id not among the organizations: kept without one"] += 1
        elif org:
            service_org[key] = org
        url, url_notes = _url(row.get("url", ""))
        email, email_notes = _email(row.get("email", ""))
        for note in url_notes + email_notes:
            part.repaired[note] += 1
        services[key] = Service(
            hsds_id=key[:100],
            name=_text(row, "name", part)[:300],
            description=_text(row, "description", part),
            url=url[:500],
            email=email[:254],
            application_process=_text(row, "application_process", part),
            fees=_text(row, "fees", part),
            imported_at=now,
        )
    return services, service_org


def _locations_read(source: Source, report: ImportReport) -> dict[str, Location]:
    locations: dict[str, Location] = {}
    part = report.resource("location")
    for _, key, row in _keyed(_rows(source, "location", report), part, need_name=False):
        lat = _coordinate(row.get("latitude", ""), 90)
        lon = _coordinate(row.get("longitude", ""), 180)
        has_any = bool(row.get("latitude", "").strip() or row.get("longitude", "").strip())
        if has_any and (lat is None or lon is None or (lat == 0 and lon == 0)):
            part.repaired["coordinates unreadable or off the globe: dropped"] += 1
            lat = lon = None
        locations[key] = Location(
            hsds_id=key[:100], name=_text(row, "name", part)[:300], lat=lat, lon=lon
        )
    return locations


def _addresses_read(source: Source, report: ImportReport, locations: dict[str, Location]) -> None:
    """Each location's first physical address, as one line."""
    part = report.resource("physical_address")
    for number, row in _rows(source, "physical_address", report):
        location = locations.get(row.get("location_id", "").strip())
        if location is None:
            part.reject("location_id not among the locations", f"line {number}")
            continue
        if location.address:
            part.reject("a second address for the location (the first was kept)", f"line {number}")
            continue
        street = ", ".join(
            v for v in (_text(row, c, part) for c in ("address_1", "address_2")) if v
        )
        city = _text(row, "city", part)
        region = " ".join(
            v for v in (_text(row, c, part) for c in ("state_province", "postal_code")) if v
        )
        location.address = ", ".join(v for v in (street, city, region) if v)[:500]
        part.taken += 1


def _phones_read(source: Source, report: ImportReport, services: dict[str, Service]) -> None:
    """Each service's first phone number."""
    part = report.resource("phone")
    for number, row in _rows(source, "phone", report):
        key = row.get("service_id", "").strip()
        service = services.get(key)
        digits = row.get("number", "").strip()
        if service is None:
            part.reject(
                "service_id not among the services" if key else "no service_id", f"line {number}"
            )
            continue
        if not digits:
            part.reject("no number", f"line {number}")
            continue
        if service.phone:
            part.reject("another phone for the service (the first was kept)", f"line {number}")
            continue
        extension = row.get("extension", "").strip()
        service.phone = (f"{digits} ext. {extension}" if extension else digits)[:60]
        part.taken += 1


def _languages_read(
    source: Source, report: ImportReport, services: dict[str, Service]
) -> dict[str, set[str]]:
    """Each service's languages as codes: HSDS `languages.language` is free text ("Spanish",
    "Creole (limited)", "Language line available"); a name that is no language is set aside,
    counted by reason."""
    part = report.resource("language")
    found: dict[str, set[str]] = {}
    for number, row in _rows(source, "language", report):
        key = row.get("service_id", "").strip()
        if key not in services:
            part.reject(
                "service_id not among the services" if key else "no service_id", f"line {number}"
            )
            continue
        code = language_code(row.get("language", ""))
        if code is None:
            part.reject("not a language this console knows", f"line {number}")
            continue
        found.setdefault(key, set()).add(code)
        part.taken += 1
    return found


def _directory_store(d: _Directory) -> None:
    """Upsert the rows by HSDS id and replace the imported services' links, in the caller's
    transaction."""
    _upsert(TaxonomyTerm, d.terms.values(), ["name", "parent_hsds_id", "vocabulary", "need"])
    _upsert(Organization, d.organizations.values(), ["name", "description", "url", "email"])
    org_pk = dict(
        Organization.objects.filter(hsds_id__in=list(d.organizations)).values_list("hsds_id", "pk")
    )
    for key, service in d.services.items():
        service.organization_id = org_pk.get(d.service_org.get(key, ""))
    _upsert(
        Service,
        d.services.values(),
        [
            "organization",
            "name",
            "description",
            "url",
            "email",
            "phone",
            "application_process",
            "fees",
            "imported_at",
        ],
    )
    _upsert(Location, d.locations.values(), ["name", "address", "lat", "lon"])
    service_pk = _pk_map(Service, d.services)
    location_pk = _pk_map(Location, d.locations)
    term_pk = _pk_map(TaxonomyTerm, d.terms)
    ids = list(service_pk.values())
    # Links of the imported services are replaced, so a re-import mirrors the source.
    Service.locations.through.objects.filter(service_id__in=ids).delete()
    Service.taxonomy.through.objects.filter(service_id__in=ids).delete()
    ServiceNeed.objects.filter(service_id__in=ids).delete()
    ServiceLanguage.objects.filter(service_id__in=ids).delete()
    Service.locations.through.objects.bulk_create(
        Service.locations.through(service_id=service_pk[s], location_id=location_pk[loc])
        for s, linked in d.service_locations.items()
        for loc in linked
    )
    Service.taxonomy.through.objects.bulk_create(
        Service.taxonomy.through(service_id=service_pk[s], taxonomyterm_id=term_pk[t])
        for s, linked in d.service_terms.items()
        for t in linked
    )
    ServiceNeed.objects.bulk_create(
        ServiceNeed(service_id=service_pk[s], need=need)
        for s, needs in d.service_needs.items()
        for need in needs
    )
    ServiceLanguage.objects.bulk_create(
        ServiceLanguage(service_id=service_pk[s], language=code)
        for s, codes in d.service_languages.items()
        for code in sorted(codes)
    )


def _links(
    source: Source,
    report: ImportReport,
    name: str,
    column: str,
    services: dict[str, Service],
    targets: dict[str, Any],
) -> dict[str, list[str]]:
    part = report.resource(name)
    links: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for number, row in _rows(source, name, report):
        service = row.get("service_id", "").strip()
        target = row.get(column, "").strip()
        if service not in services:
            part.reject("service_id not among the services", f"line {number}")
            continue
        if target not in targets:
            part.reject(f"{column} not among the {name.split('_')[-1]} rows", f"line {number}")
            continue
        if (service, target) in seen:
            part.reject("the same link again", f"line {number}")
            continue
        seen.add((service, target))
        links.setdefault(service, []).append(target)
        part.taken += 1
    return links


def _upsert(model: Any, objects: Any, fields: list[str]) -> None:
    rows = list(objects)
    for start in range(0, len(rows), 500):
        model.objects.bulk_create(
            rows[start : start + 500],
            update_conflicts=True,
            unique_fields=["hsds_id"],
            update_fields=fields,
        )


def _pk_map(model: Any, keyed: dict[str, Any]) -> dict[str, int]:
    keys = list(keyed)
    found: dict[str, int] = {}
    for start in range(0, len(keys), 900):  # SQLite's limit on query parameters
        found.update(
            model.objects.filter(hsds_id__in=keys[start : start + 900]).values_list("hsds_id", "pk")
        )
    return found
