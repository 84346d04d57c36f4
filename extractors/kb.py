"""The knowledge base of known institutions and instruments: versioned JSONL data, an alias index,
and the `Linker` every component uses to turn a name into a key.

    kb = load_kb()                                   # the packaged extractors/kb/*.jsonl
    kb.link("OpenAl")                                # 'openai'  (OCR "Al" for "AI")
    kb.link("Japan", kind_hint="ai_safety_institute")  # 'japan-aisi'

Data files (one JSON object a line, ids are stable slugs):
``institutions.jsonl`` — id, name, acronym, aliases, kind, country, ambiguous_acronym, local_aliases
(generic forms that name the body only in a document about its country: "Congress", "Datatilsynet");
``instruments.jsonl`` — id, name, category, aliases; ``countries.jsonl`` — code, names;
``VERSION`` — the knowledge base's version, published in every release's manifest.

An overlay folder (`govmap run --kb FOLDER`) holds any of the three JSONL files in the same
format; its entries replace packaged ones of the same id and add new ones.  `load_kb` is the one
loader: the components, resolution and the cache key all take the overlay from `NlpConfig`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from govmap.datasets.contract import INSTITUTION_KINDS, INSTRUMENT_CATEGORIES
from govmap.extractors.gazetteer import country_display_name, country_names, places_in
from govmap.text import slugify
from govmap.extractors.states import StateFinder
from govmap.sources.misread_ai import repair_name

__all__ = [
    "DEFAULT_KB_PATH",
    "KBInstitution",
    "KBInstrument",
    "KnowledgeBase",
    "DocLinker",
    "load_kb",
    "overlay_digest",
    "kb_manifest",
    "KB_FILES",
    "normalize_surface",
    "squash",
    "AISI_HEADS",
]

DEFAULT_KB_PATH = Path(__file__).resolve().parent / "kb"
# The knowledge base's data files; an overlay folder holds any of them.
KB_FILES = ("institutions.jsonl", "instruments.jsonl", "countries.jsonl")

# What follows a country to name its AI safety institute: "Japan's AISI", "US AI Safety Institute".
AISI_HEADS = frozenset({"aisi", "ai safety institute", "ai security institute", "safety institute", "ai office"})
_GOVERNMENT_HEADS = frozenset({"government", "govt", "administration"})
_POSSESSIVE = re.compile(r"['’]s\b")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


# Every link normalises its surface, and a document names the same bodies again and again.
@functools.lru_cache(maxsize=65536)
def normalize_surface(text: str) -> str:
    """Comparable form of a surface: ASCII, OCR "Al" repaired, no "the"/possessive/dots, lower case.

    'the U.S. AI Safety Institute' -> 'us ai safety institute'; "Japan's AISI" and "Japan’s AISI" -> 'japan aisi'.
    """
    # a typographic apostrophe is an apostrophe: the ASCII step would drop it and keep its "s"
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = repair_name(text.strip())
    text = _LEADING_THE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = text.replace(".", "").replace("&", " and ")
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def squash(text: str) -> str:
    """`normalize_surface` without spaces, so 'Open AI' and 'OpenAI' compare equal."""
    return normalize_surface(text).replace(" ", "")


def _is_acronym_like(form: str) -> bool:
    """One word with an upper-case letter after the first ("OECD", "MoU", "GovAI", "xAI") or a
    number ("G7"): such forms are matched case-sensitively."""
    return " " not in form.strip() and bool(re.search(r".[A-Z0-9]", form))


@dataclass(frozen=True)
class KBInstitution:
    id: str
    name: str
    kind: str
    acronym: str | None = None
    aliases: tuple[str, ...] = ()
    country: str | None = None
    # An acronym that also means other things ("ESG", "SI"): it only counts in a document that
    # names the body in full or defines the acronym.
    ambiguous_acronym: bool = False
    # Forms that name the body only where the document is about its country or names the body
    # otherwise too ("Congress", "State Council", "Datatilsynet"): `link` never returns them.
    local_aliases: tuple[str, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        forms = [self.name, *self.aliases]
        if self.acronym:
            forms.append(self.acronym)
        return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class KBInstrument:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.name, *self.aliases]))


def _index(entries: Iterable, what: str, field: str, vocabulary: tuple[str, ...]) -> dict:
    """Entries by id; a duplicate id or a value outside the contract's vocabulary is refused."""
    out: dict = {}
    for entry in entries:
        if entry.id in out:
            raise ValueError(f"knowledge base: duplicate {what} id {entry.id!r}")
        if getattr(entry, field) not in vocabulary:
            raise ValueError(f"knowledge base: {what} {entry.id!r} has unknown {field} {getattr(entry, field)!r}")
        out[entry.id] = entry
    return out


class KnowledgeBase:
    """Known institutions and instruments with an exact and a normalised alias index.

    Implements `govmap.extractors.linking.Linker` for institutions; `link_instrument` for instruments.
    """

    def __init__(
        self,
        institutions: Iterable[KBInstitution],
        instruments: Iterable[KBInstrument] = (),
        countries: Mapping[str, str] | None = None,
        *,
        version: str = "0",
    ) -> None:
        self.version = version
        self.institutions: dict[str, KBInstitution] = _index(institutions, "institution", "kind", INSTITUTION_KINDS)
        self.instruments: dict[str, KBInstrument] = _index(instruments, "instrument", "category", INSTRUMENT_CATEGORIES)
        # surface as printed in any casing -> country code
        self.countries: dict[str, str] = {normalize_surface(k): v for k, v in (countries or {}).items()}
        # the same names as printed ("Viet Nam", "U.S.", "Japanese"), for case-sensitive scans
        self.country_surfaces: dict[str, str] = dict(countries or {})
        self._country_words = max((len(k.split()) for k in self.countries), default=1)
        self._exact: dict[str, set[str]] = {}
        self._norm: dict[str, set[str]] = {}
        self._squashed: dict[str, set[str]] = {}
        for inst in self.institutions.values():
            for form in inst.surfaces:
                self._exact.setdefault(form, set()).add(inst.id)
                if len(squash(form)) >= 5:
                    self._squashed.setdefault(squash(form), set()).add(inst.id)
                if not _is_acronym_like(form):
                    self._norm.setdefault(normalize_surface(form), set()).add(inst.id)
                    self._squashed.setdefault(squash(form), set()).add(inst.id)
                else:
                    # Acronyms stay case-sensitive, but dots and OCR damage do not matter: "U.S. AISI".
                    self._exact.setdefault(repair_name(form.replace(".", "")), set()).add(inst.id)
        self._instrument_norm: dict[str, str] = {}
        for ins in self.instruments.values():
            for form in ins.surfaces:
                self._instrument_norm.setdefault(normalize_surface(form), ins.id)
        self.local: dict[str, set[str]] = {}  # local alias as printed -> ids
        for inst in self.institutions.values():
            for form in inst.local_aliases:
                self.local.setdefault(form, set()).add(inst.id)
        self._by_kind_country: dict[tuple[str, str], list[str]] = {}
        for inst in self.institutions.values():
            if inst.country:
                self._by_kind_country.setdefault((inst.kind, inst.country), []).append(inst.id)

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def from_disk(cls, path: str | Path = DEFAULT_KB_PATH, overlay: str | Path | None = None) -> "KnowledgeBase":
        """Load ``institutions.jsonl``, ``instruments.jsonl``, ``countries.jsonl`` and ``VERSION``
        from the folder `path`, then the same files of the folder `overlay` over them: an entry
        whose id is already known replaces it, a new id adds one, country names add or re-map.
        Raises FileNotFoundError when institutions.jsonl (or the overlay folder) is missing and
        ValueError naming the file and line of a bad record."""
        path = Path(path)
        records = {name: _read_jsonl(path / name, missing_ok=name != "institutions.jsonl") for name in KB_FILES}
        version_file = path / "VERSION"
        version = version_file.read_text().strip() if version_file.exists() else "0"
        if overlay is not None:
            for name, extra in _overlay_records(Path(overlay)).items():
                if name == "countries.jsonl":
                    records[name] = records[name] + extra
                else:
                    merged = {r["id"]: r for r in records[name]}
                    merged.update((r["id"], r) for r in extra)
                    records[name] = list(merged.values())
            version = f"{version}+overlay.{overlay_digest(overlay)[:12]}"
        institutions = [
            KBInstitution(
                id=r["id"],
                name=r["name"],
                kind=r["kind"],
                acronym=r.get("acronym") or None,
                aliases=tuple(r.get("aliases") or ()),
                country=r.get("country") or None,
                ambiguous_acronym=bool(r.get("ambiguous_acronym", False)),
                local_aliases=tuple(r.get("local_aliases") or ()),
            )
            for r in records["institutions.jsonl"]
        ]
        instruments = [
            KBInstrument(id=r["id"], name=r["name"], category=r["category"], aliases=tuple(r.get("aliases") or ()))
            for r in records["instruments.jsonl"]
        ]
        # Every country from the gazetteer, then the KB's own forms ("UK", "Japanese") over them.
        countries = dict(country_names())
        countries.update({name: r["code"] for r in records["countries.jsonl"] for name in r["names"]})
        institutions += state_governments(institutions, countries)
        return cls(institutions, instruments, countries, version=version)

    def to_disk(self, path: str | Path) -> None:
        """Write the knowledge base as JSONL files into the folder `path` (created if needed)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with open(path / "institutions.jsonl", "w", encoding="utf-8") as f:
            for i in self.institutions.values():
                rec = {
                    "id": i.id,
                    "name": i.name,
                    "acronym": i.acronym,
                    "aliases": list(i.aliases),
                    "kind": i.kind,
                    "country": i.country,
                }
                if i.ambiguous_acronym:
                    rec["ambiguous_acronym"] = True
                if i.local_aliases:
                    rec["local_aliases"] = list(i.local_aliases)
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        with open(path / "instruments.jsonl", "w", encoding="utf-8") as f:
            for s in self.instruments.values():
                f.write(
                    json.dumps(
                        {"id": s.id, "name": s.name, "category": s.category, "aliases": list(s.aliases)},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        by_code: dict[str, list[str]] = {}
        for name, code in self.countries.items():
            by_code.setdefault(code, []).append(name)
        with open(path / "countries.jsonl", "w", encoding="utf-8") as f:
            for code, names in sorted(by_code.items()):
                f.write(json.dumps({"code": code, "names": sorted(names)}) + "\n")
        (path / "VERSION").write_text(self.version + "\n")

    # -- linking -------------------------------------------------------------------------------

    @functools.cached_property
    def states(self) -> StateFinder:
        """Finds countries acting as states in a sentence (`govmap.extractors.states`)."""
        return StateFinder(self.country_surfaces)

    def country_of(self, surface: str) -> str | None:
        """ISO code of a country name or adjective ("U.S.", "Japanese", "the EU"), else None."""
        return self.countries.get(normalize_surface(surface))

    def countries_in_name(self, name: str) -> list[str]:
        """Country codes a body's name roots it in, in order: country names and national
        adjectives ("Korean", "U.S."), then cities, states and provinces ("Toronto", "Zhejiang")
        from the gazetteer when the name holds no country.  "University of Toronto" -> ['CA'];
        "U.S.-India Business Council" -> ['US', 'IN']."""
        words = [w for w in re.split(r"[\s\-–/]+", name) if w]
        codes: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(self._country_words, len(words) - i), 0, -1):
                run = words[i : i + n]
                if not run[0][:1].isupper():
                    continue
                code = self.countries.get(normalize_surface(" ".join(run)))
                if code:
                    codes.append(code)
                    rest.append("")  # keeps a place from joining words across the country
                    i += n
                    break
            else:
                rest.append(words[i].strip("(),;:'’"))
                i += 1
        if codes:
            return list(dict.fromkeys(codes))
        # "Okinawa Institute of Science and Technology" -> JP; possessives ("Tokyo's") read as
        # places; the first place is where the body is ("... of Rio Grande do Sul").
        return places_in([_POSSESSIVE.sub("", w) for w in rest])[:1]

    def candidates(self, surface: str) -> set[str]:
        """Every institution id some index gives for `surface` (exact, then normalised, then squashed)."""
        text = surface.strip()
        found = self._exact.get(text) or self._exact.get(repair_name(_LEADING_THE.sub("", text).replace(".", "")))
        if found:
            return set(found)
        norm = normalize_surface(text)
        if norm in self._norm:
            return set(self._norm[norm])
        sq = norm.replace(" ", "")
        if len(sq) >= 5 and sq in self._squashed:
            return set(self._squashed[sq])
        return set()

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        """Institution id for `surface`, or None. `kind_hint` breaks ties and turns a country
        ("US", "Japan's") into that country's body of that kind ("ai_safety_institute",
        "government_body")."""
        found = self.candidates(surface)
        code = self.countries.get(normalize_surface(surface)) if kind_hint and found else None
        if code and all(self.institutions[i].kind != kind_hint for i in found):
            # "EU" with an AISI hint is the EU's AI Office, not the Union itself
            hinted = self.body_of_country(code, kind_hint)
            if hinted:
                return hinted
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            hinted = sorted(i for i in found if self.institutions[i].kind == kind_hint)
            return hinted[0] if len(hinted) == 1 else None
        return self._link_country_qualified(surface, kind_hint)

    def _link_country_qualified(self, surface: str, kind_hint: str | None) -> str | None:
        norm = normalize_surface(surface)
        code = self.countries.get(norm)
        if code and kind_hint:
            return self.body_of_country(code, kind_hint)
        # "<country> <head>": "American AISI", "Japan's AI Safety Institute", "UK government"
        words = norm.split()
        for cut in range(len(words) - 1, 0, -1):
            code = self.countries.get(" ".join(words[:cut]))
            if not code:
                continue
            head = " ".join(words[cut:])
            if head in AISI_HEADS:
                return self.body_of_country(code, "ai_safety_institute")
            if head in _GOVERNMENT_HEADS:
                return self.body_of_country(code, "government_body")
            return None
        return None

    def body_of_country(self, code: str, kind: str) -> str | None:
        """The one body of `kind` a country has in the KB (for government_body: its government)."""
        ids = self._by_kind_country.get((kind, code), [])
        if kind == "government_body":
            ids = [i for i in ids if "government" in self.institutions[i].name.lower()]
            if len(ids) > 1:
                # the national government, not a devolved one ("Scottish Government")
                ids = [i for i in ids if self._names_a_country(self.institutions[i].name, code)]
        return ids[0] if len(ids) == 1 else None

    def _names_a_country(self, name: str, code: str) -> bool:
        """Whether a government's name, without "government"/"of"/"the", is `code`'s name."""
        rest = " ".join(w for w in normalize_surface(name).split() if w not in {"government", "of", "the", "govt"})
        return self.countries.get(rest) == code

    def link_instrument(self, surface: str) -> str | None:
        """Instrument id for `surface` (case-insensitive, simple plurals), or None."""
        norm = normalize_surface(surface)
        for cand in (norm, re.sub(r"ies$", "y", norm), re.sub(r"es$", "", norm), re.sub(r"s$", "", norm)):
            if cand in self._instrument_norm:
                return self._instrument_norm[cand]
        return None


def state_governments(institutions: Iterable[KBInstitution], countries: Mapping[str, str]) -> list[KBInstitution]:
    """A government body for every country the KB has none for, so that a country acting as a
    state ("India and Japan agreed ...") links to one institution whatever the country."""
    have = {i.country for i in institutions if i.kind == "government_body" and "government" in i.name.lower()}
    taken = {i.id for i in institutions}
    out = []
    for code in sorted(set(countries.values()) - have - {"EU"}):
        name = country_display_name(code)
        if not name:
            continue
        gid = f"{slugify(name)}-government"
        if gid in taken:
            continue
        out.append(
            KBInstitution(
                id=gid,
                name=f"Government of {name}",
                kind="government_body",
                country=code,
                aliases=(f"{name} government", f"{name}'s government", f"government of {name}"),
            )
        )
    return out


def _read_jsonl(path: Path, *, missing_ok: bool = False) -> list[dict]:
    if not path.exists():
        if missing_ok:
            return []
        raise FileNotFoundError(f"knowledge base file not found: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} line {n}: not JSON ({exc.msg}); fix the knowledge base") from exc
    return out


def _overlay_records(folder: Path) -> dict[str, list[dict]]:
    """The records of an overlay folder's KB files (any of them may be missing, not all)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"knowledge base overlay not found: {folder} (a folder of {', '.join(KB_FILES)})")
    found = {name: _read_jsonl(folder / name) for name in KB_FILES if (folder / name).is_file()}
    if not found:
        raise FileNotFoundError(f"knowledge base overlay {folder}: none of {', '.join(KB_FILES)} in it")
    return found


def overlay_digest(overlay: str | Path) -> str:
    """sha256 of an overlay folder's KB files (names and bytes): part of the cache key and the
    manifest, so changing an overlay re-extracts and is published."""
    folder = Path(overlay)
    h = hashlib.sha256()
    for name in KB_FILES:
        if (folder / name).is_file():
            h.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return h.hexdigest()


def kb_manifest(kb: KnowledgeBase, overlay: str | Path | None = None) -> dict[str, str | None]:
    """What a release's manifest says of the knowledge base it was resolved with."""
    return {"version": kb.version, "overlay_sha256": overlay_digest(overlay) if overlay else None}


@functools.lru_cache(maxsize=8)
def _load_cached(overlay: str | None, digest: str | None) -> KnowledgeBase:
    return KnowledgeBase.from_disk(DEFAULT_KB_PATH, overlay)


def load_kb(overlay: str | Path | None = None) -> KnowledgeBase:
    """The one loader: the packaged knowledge base (extractors/kb/), with the overlay folder's
    entries over it when given (`govmap run --kb`), loaded once per process and overlay content
    (a long-lived process, `govmap serve`, sees an edited overlay as the cache key does)."""
    if not overlay:
        return _load_cached(None, None)
    folder = Path(overlay).resolve()
    return _load_cached(str(folder), overlay_digest(folder) if folder.is_dir() else None)


@dataclass
class DocLinker:
    """The Linker a document's components use: the KB, plus the bodies the document itself
    defines (discoveries), plus what bare heads ("the Network") refer to in this document."""

    kb: KnowledgeBase
    discovered: dict[str, str] = field(default_factory=dict)  # normalised name/acronym -> key
    discovered_exact: dict[str, str] = field(default_factory=dict)  # acronym as printed -> key
    heads: dict[str, str] = field(default_factory=dict)  # "network" -> key of the dominant network

    def add_discovery(self, key: str, name: str, acronym: str | None = None, aliases: Iterable[str] = ()) -> None:
        for form in (name, *aliases):
            self.discovered.setdefault(normalize_surface(form), key)
        if acronym:
            self.discovered_exact.setdefault(acronym, key)

    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        """Key for `surface`: a KB id, a discovered key ("new:..."), or None."""
        key = self.kb.link(surface, kind_hint=kind_hint)
        if key:
            return key
        text = _LEADING_THE.sub("", surface.strip())
        text = _POSSESSIVE.sub("", text)
        if text in self.discovered_exact:
            return self.discovered_exact[text]
        norm = normalize_surface(surface)
        if norm in self.discovered:
            return self.discovered[norm]
        words = norm.split()
        if len(words) == 1 and words[0] in self.heads:
            return self.heads[words[0]]
        return None
