"""The runner: find the corpus, read every document once, run the checks.

:func:`run` is the library API. It returns a :class:`Report` and never
prints or exits; only the CLI does.
"""

from __future__ import annotations

import errno
import functools
import gc
import hashlib
import os
import posixpath
import re
import signal
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import store as _store
from .cache import Entry, ResultCache, Stamp, _storable, cache_dumps, cache_loads
from .catalogue import parse_catalogue
from .config import DEFAULT_EXCLUDE, Config, ConfigError, load_config, matches_selector
from .globs import PathMatcher as PathMatcher
from .limits import FindingCap  # re-exported: indexer imports it from here
from .model import (
    Catalogue,
    Corpus,
    CorpusCheck,
    Document,
    DocumentCheck,
    Finding,
    Header,
    Severity,
    TableProblem,
    declarations,
)
from .reading import NotRegularFile, open_regular, read_regular
from .registry import CheckSpec, InternalError, Registry, build_registry
from .store import DocumentStore
from .suppress import Suppression, UnusedSuppression, apply_suppressions, header_suppressions

INDEX_NAME = "INDEX.md"
HEADER_BYTES = 64 * 1024  # what is read of a too-large document: its header
_SKIP_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "venv",
        "env",
        "site-packages",
        "build",
        "dist",
        ".provlint_cache",
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Report:
    """The result of one run over one corpus.

    ``findings`` are sorted by (path, line, column, code). Paths are relative
    to ``root`` with POSIX separators. ``stats`` holds counts; ``tracebacks``
    the tracebacks behind internal errors (the CLI shows them with
    ``--verbose``).
    """

    root: Path
    findings: tuple[Finding, ...]
    stats: dict[str, Any] = field(default_factory=dict)
    checks: tuple[CheckSpec, ...] = ()
    tracebacks: tuple[str, ...] = ()
    registry: Registry | None = field(default=None, repr=False)
    suppressed: tuple[tuple[Finding, str], ...] = ()
    """Findings suppressed inline in a header, with the reason given."""
    scope: Scope | None = None
    """What the run covered when it was restricted to some files (None: the
    whole corpus). Findings outside it were not reported."""
    _prefixes: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """0 no error finding, 1 at least one, 3 an internal or plugin error."""
        if any(f.code == InternalError.code for f in self.findings):
            return 3
        if any(f.severity is Severity.ERROR for f in self.findings):
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def display_path(self, path: str, base: Path | None = None) -> str:
        """``path`` (relative to the root) as a user should see it: relative
        to ``base`` (default: the current directory) when inside it."""
        if not path:
            return path
        base = base or Path.cwd()
        if posixpath.normpath(path) == path and not path.startswith(("/", "..")):
            # The common case, without a relpath per finding: the root's
            # place relative to base is worked out once.
            prefix = self._prefixes.get(base)
            if prefix is None:
                try:
                    prefix = Path(os.path.relpath(self.root, base)).as_posix()
                except ValueError:  # pragma: no cover - other drive on Windows
                    prefix = ""
                self._prefixes[base] = prefix
            if prefix:
                rel = path if prefix == "." else f"{prefix}/{path}"
                if rel.count("../") > 3:
                    return f"{Path(self.root).as_posix()}/{path}"
                return rel
        full = self.root / path
        try:
            rel = os.path.relpath(full, base)
        except ValueError:  # pragma: no cover - other drive on Windows
            return str(full)
        # Far outside the current folder an absolute path reads better.
        if rel.count("../") > 3:
            return str(full)
        return Path(rel).as_posix()


# --------------------------------------------------------------------------
# Finding the corpus
# --------------------------------------------------------------------------


@dataclass
class Target:
    root: Path
    only: frozenset[str] | None  # paths relative to root; None = everything
    explicit: bool


def _find_index_upwards(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if os.path.isfile(folder / INDEX_NAME):
            return folder
    return None


def locate(
    paths: Sequence[str | os.PathLike[str]],
    cwd: Path | None = None,
    *,
    skip_outside: bool = False,
) -> list[Target]:
    """Turn command-line paths into corpora to check.

    A folder is a corpus (its INDEX.md may be missing: that is a finding);
    an INDEX.md names its folder; a document file belongs to the nearest
    folder above it that has an INDEX.md, and only findings on the named
    files (and the rows that name them) are reported. With no paths, the
    corpus is the nearest folder at or above ``cwd`` with an INDEX.md.
    With ``skip_outside``, document files that belong to no corpus are
    skipped instead of being an error (what a pre-commit hook wants).
    """
    cwd = (cwd or Path.cwd()).resolve()
    if not paths:
        root = _find_index_upwards(cwd)
        if root is None:
            raise ConfigError(
                f"no corpus found: no {INDEX_NAME} in {cwd} or any folder above it "
                "(pass a corpus folder as an argument)"
            )
        return [Target(root, None, explicit=False)]
    whole: dict[Path, Target] = {}
    partial: dict[Path, set[str]] = {}
    for raw in paths:
        p = Path(raw)
        p = p if p.is_absolute() else cwd / p
        if os.path.isdir(p):
            folder = p.resolve()
            if not os.path.isfile(folder / INDEX_NAME):
                # A folder inside a corpus: check the corpus, report on the folder.
                above = _find_index_upwards(folder.parent)
                if above is not None:
                    rel = Path(os.path.relpath(folder, above)).as_posix()
                    partial.setdefault(above, set()).add(rel + "/")
                    continue
            whole.setdefault(folder, Target(folder, None, explicit=True))
            continue
        if not os.path.lexists(p):
            raise ConfigError(f"{raw}: no such file or folder")
        parent = p.parent.resolve()
        if p.name == INDEX_NAME:
            whole.setdefault(parent, Target(parent, None, explicit=True))
            continue
        root = _find_index_upwards(parent)
        if root is None:
            if skip_outside:
                continue
            raise ConfigError(f"{raw}: no {INDEX_NAME} found in its folder or any folder above it")
        rel = Path(os.path.relpath(parent / p.name, root)).as_posix()
        partial.setdefault(root, set()).add(rel)
    targets = list(whole.values())
    for root, files in partial.items():
        if root not in whole:
            targets.append(Target(root, frozenset(files), explicit=True))
    return sorted(targets, key=lambda t: str(t.root))


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def discover(
    root: Path, matcher: PathMatcher, unreadable: list[str] | None = None
) -> list[str]:
    """Document files under ``root`` that match the globs, as sorted
    POSIX paths. Hidden folders, nested corpora (a subfolder with its own
    INDEX.md) and tool folders are skipped; symlinked folders are not
    followed. Folders that cannot be listed (no permission, or a path
    longer than the system allows) are added to ``unreadable``.

    The walk keeps its own stack, so any depth of nesting is fine."""
    found: list[str] = []
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        here = os.path.join(root, rel_dir) if rel_dir else str(root)
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            if rel_dir and unreadable is not None:
                unreadable.append(rel_dir)
            continue
        below = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                if matcher(rel):
                    found.append(rel)
                continue
            if entry.name.startswith(".") or entry.name in _SKIP_DIRS or entry.is_symlink():
                continue
            if os.path.isfile(os.path.join(entry.path, INDEX_NAME)):
                continue  # a nested corpus
            if matcher.excludes_folder(rel):
                continue
            below.append(rel)
        stack.extend(reversed(below))
    return sorted(found)


def _unreadable(exc: OSError) -> str:
    """Why a file could not be opened, for a message."""
    if exc.errno == errno.ENAMETOOLONG:
        return "cannot be read: its path is longer than the system allows (nested too deeply)"
    return f"cannot be read: {exc.strerror or exc}"


def safe_relpath(value: str) -> tuple[str | None, str | None]:
    """Normalise an INDEX.md ``file`` cell. Returns (path, None) or
    (None, why it is refused)."""
    if "\x00" in value:
        return None, "contains a NUL character"
    v = value.replace("\\", "/")
    if v.startswith("/") or _DRIVE.match(v):
        return None, "is an absolute path; paths must be relative to INDEX.md's folder"
    norm = posixpath.normpath(v)
    if norm == ".." or norm.startswith("../"):
        return None, "leads outside the corpus folder"
    if norm in (".", ""):
        return None, "does not name a file"
    return norm, None


def _resolve_inside(root_real: Path, rel: str) -> tuple[Path | None, str | None]:
    candidate = root_real / rel
    try:
        real = candidate.resolve(strict=False)
    except (RuntimeError, OSError):
        return None, "is a symlink loop"
    try:
        real.relative_to(root_real)
    except ValueError:
        return None, "is a symlink that leads outside the corpus folder"
    return real, None


def _other_normalisation(path: Path) -> Path | None:
    """The file as it exists under the other Unicode normalisation of its
    name (macOS archives often carry decomposed names), if it does."""
    import unicodedata

    for form in ("NFC", "NFD"):
        alt = path.with_name(unicodedata.normalize(form, path.name))
        if alt.name != path.name and alt.exists():
            return alt
    return None


def decode(raw: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """Decode a document's bytes. Returns (text, problem): text is None for
    binary data; problem is (byte offset, what) for anything not clean
    UTF-8. A UTF-8 BOM is dropped silently; a UTF-16 BOM is decoded."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), (0, "UTF-16 (byte-order mark); expected UTF-8")
        except UnicodeDecodeError as exc:
            return None, (exc.start, "invalid UTF-16")
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0:
        return None, (nul, "binary data (NUL byte)")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace"), (
            exc.start,
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
        )


def _read_catalogue(root: Path) -> Catalogue:
    path = root / INDEX_NAME
    if os.path.islink(path):
        # A symlinked INDEX.md is read only when it stays inside the folder:
        # one that points elsewhere could make findings quote any file.
        real, why = _resolve_inside(root.resolve(), INDEX_NAME)
        if real is None:
            return Catalogue(path=INDEX_NAME, exists=False, read_error=f"{why}; it was not read")
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return Catalogue(path=INDEX_NAME, exists=False)
    except OSError as exc:
        return Catalogue(path=INDEX_NAME, exists=False, read_error=exc.strerror or str(exc))
    text, problem = decode(raw)
    if text is None:
        return Catalogue(
            path=INDEX_NAME, exists=True, read_error=problem[1] if problem else "unreadable"
        )
    cat = parse_catalogue(text, INDEX_NAME)
    if problem:
        line = raw[: problem[0]].count(b"\n") + 1
        col = problem[0] - (raw.rfind(b"\n", 0, problem[0]) + 1) + 1
        cat = replace(
            cat,
            problems=(TableProblem(line, col, f"{problem[1]} at byte {problem[0]}"), *cat.problems),
        )
    return cat


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def _selected(spec: CheckSpec, config: Config) -> bool:
    if spec.cls is InternalError:
        return True
    code, name = spec.code, spec.name
    if config.select and not matches_selector(code, name, config.select):
        if not matches_selector(code, name, config.extend_select):
            return False
    return not matches_selector(code, name, config.ignore)


def _check_selectors(config: Config, registry: Registry) -> None:
    """A selector that names no loaded check is a usage error (a typo would
    otherwise silently select or ignore nothing)."""
    specs = list(registry.checks.values())
    pairs = [
        ("select", config.select),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ]
    pairs += [(f"per-file-ignores.{g}", s) for g, s in config.per_file_ignores.items()]
    for key, selectors in pairs:
        for sel in selectors:
            if sel.strip() and not any(matches_selector(s.code, s.name, [sel]) for s in specs):
                known = ", ".join(sorted(s.name for s in specs))
                raise ConfigError(
                    f"{key}: {sel!r} matches no check (a code such as PV107, a prefix such as "
                    f"PV1, a name, or ALL; checks: {known})"
                )


def _check_required(config: Config, registry: Registry) -> None:
    """Every plugin the configuration requires must be loaded."""
    names = {p.name for p in registry.plugins} | {p.dist for p in registry.plugins if p.dist}
    missing = [r for r in config.required_plugins if r not in names]
    if missing:
        raise ConfigError(
            f"required plugin{'s' if len(missing) > 1 else ''} not loaded: {', '.join(missing)} "
            f"(loaded: {', '.join(sorted(n for n in names if n))}); install it, or remove it "
            "from 'required-plugins'"
        )


def _per_file_ignored(f: Finding, rules: list[tuple[PathMatcher, tuple[str, ...]]]) -> bool:
    return any(
        matcher(f.path) and matches_selector(f.code, f.check, selectors)
        for matcher, selectors in rules
    )


class CheckTimeout(Exception):
    """A check ran past its time budget."""


class _Budget:
    """Per-check time limits with SIGALRM (on the main thread of a POSIX
    system only; elsewhere checks simply run). The handler is installed
    once per run; each check only arms and disarms the timer."""

    def __init__(self) -> None:
        self.usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.previous: Any = None
        self.installed = False

    def __enter__(self) -> _Budget:
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, _expire)
            self.installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.installed = False


def _expire(signum: int, frame: Any) -> None:
    raise CheckTimeout


@dataclass(slots=True)
class DocResult:
    """What the document phase produced for one document: the document
    without its text (what corpus checks see), the findings of the
    document checks, and the header's suppressions. This is what worker
    processes send back and what the cache keeps."""

    doc: Document
    findings: list[Finding]
    suppressions: list[Suppression]
    bad_suppressions: list[Finding]
    errors: list[Finding]
    tracebacks: list[str]


class _Engine:
    def __init__(self, root: Path, config: Config, registry: Registry) -> None:
        self.root = root
        self.root_real = root.resolve()
        self.config = config
        self.registry = registry
        self.findings: list[Finding] = []
        self.progress: Callable[[int, int], None] | None = None
        self.suppressions: list[Suppression] = []
        self.suppression_findings: list[Finding] = []
        specs = [s for s in registry.checks.values() if _selected(s, config)]
        self.specs = tuple(sorted(specs, key=lambda s: s.code))
        self.doc_checks: list[tuple[CheckSpec, DocumentCheck]] = []
        self.corpus_checks: list[tuple[CheckSpec, CorpusCheck]] = []
        self.severity: dict[str, Severity] = {}
        self.budget = _Budget()
        self.stats: dict[str, Any] = {}
        self.cache: ResultCache | None = None
        self.partial = False
        """Only some files were named: keep other files' cache entries."""
        self._dirs: dict[str, tuple[Path | None, str | None]] = {}
        self.corpus_size = 0
        self.index_path = INDEX_NAME
        for spec in self.specs:
            if spec.cls is InternalError or spec.cls is UnusedSuppression:
                continue
            opts = dict(config.check_options.get(spec.name, {}))
            sev = opts.pop("severity", None)
            if sev is not None:
                try:
                    self.severity[spec.name] = Severity(sev)
                except ValueError as exc:
                    raise ConfigError(
                        f"check {spec.name}: severity must be error, warning or info, found {sev!r}"
                    ) from exc
            try:
                instance = spec.cls(opts, plugin=spec.plugin.name)
            except (ValueError, TypeError) as exc:
                # The options are wrong, not the plugin: a configuration error.
                raise ConfigError(f"check {spec.name}: {exc}") from exc
            except Exception as exc:
                registry.internal_error(
                    f"check {spec.name!r} (plugin {spec.plugin.label}) could not be created: "
                    f"{type(exc).__name__}: {exc}",
                    tb=traceback.format_exc(),
                    plugin=spec.plugin.name,
                )
                continue
            # A check may be both: evidence per document, findings at the end.
            if isinstance(instance, DocumentCheck):
                self.doc_checks.append((spec, instance))
            if isinstance(instance, CorpusCheck):
                self.corpus_checks.append((spec, instance))

    def _collect(
        self, spec: CheckSpec, where: str, produce: Any, out: list[Finding] | None = None
    ) -> None:
        out = self.findings if out is None else out
        # A corpus check's work grows with the corpus: 30 times the
        # per-document budget, plus a hundredth of it per document.
        t = self.config.check_timeout
        budget = t if where else t * (30 + self.corpus_size / 100)
        armed = self.budget.installed and budget > 0
        # At most FINDINGS_PER_FILE findings per file and check, then one
        # that counts the rest: consumed as produced, so a check yielding
        # 400,000 findings holds 50 at a time.
        cap = FindingCap()
        wrong: str | None = None  # the type of a non-Finding item
        try:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, budget)
            try:
                for item in produce() or ():
                    if not isinstance(item, Finding):
                        wrong = type(item).__name__
                        break
                    sev = self.severity.get(item.check)
                    if sev is not None and item.check == spec.name:
                        item = replace(item, severity=sev)
                    cap.add(item)
            finally:
                if armed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except CheckTimeout:
            self.registry.internal_error(
                f"check {spec.name!r} (plugin {spec.plugin.label}) ran longer than "
                f"{budget:g} s on {where or 'the corpus'} and was stopped (check-timeout)",
                path=where,
                plugin=spec.plugin.name,
            )
            return
        except Exception as exc:
            self.registry.internal_error(
                f"check {spec.name!r} (plugin {spec.plugin.label}) raised "
                f"{type(exc).__name__} on {where or 'the corpus'}: {exc}",
                path=where,
                tb=traceback.format_exc(),
                plugin=spec.plugin.name,
            )
            return
        out.extend(cap.findings())
        if wrong is not None:
            self.registry.internal_error(
                f"check {spec.name!r} (plugin {spec.plugin.label}) returned "
                f"{wrong} instead of a Finding on {where or 'the corpus'}",
                path=where,
                plugin=spec.plugin.name,
            )

    def read_document(self, doc: Document) -> None:
        """Fill ``doc`` from disk: one read, then hash, decode, header."""
        rel, why = safe_relpath(doc.path)
        if rel is None:
            doc.escapes_root = True
            doc.read_error = why
            return
        real, why = self._resolve(rel)
        if real is None:
            doc.escapes_root = True
            doc.read_error = why
            return
        limit = self.config.max_document_bytes
        try:
            with open_regular(real) as fh:
                raw = fh.read(limit + 1)
                if len(raw) > limit:
                    # Too large: hash it all in chunks, keep only the top for the header.
                    digest = hashlib.sha256(raw)
                    size = len(raw)
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
                        size += len(chunk)
                    doc.exists = True
                    doc.size = size
                    doc.sha256 = digest.hexdigest()
                    doc.too_large = True
                    top, doc.decode_error = decode(raw[:HEADER_BYTES])
                    if top is not None:
                        doc.header = self.parse_header(doc.path, top)
                        if doc.header is not None:
                            doc.header.body = ""
                    return
        except FileNotFoundError:
            other = _other_normalisation(real)
            if other is not None:
                doc.read_error = (
                    f"is not on disk under that name, but {other.name!r} is: the same name "
                    "in another Unicode normalisation (NFC/NFD); rename one to match"
                )
                doc.exists = True
            return
        except NotRegularFile as exc:  # a folder, a named pipe, a socket, a device
            doc.exists = True
            doc.read_error = exc.strerror
            return
        except IsADirectoryError:
            doc.exists = True
            doc.read_error = "is a folder, not a regular file"
            return
        except OSError as exc:
            doc.exists = True
            doc.read_error = _unreadable(exc)
            return
        doc.exists = True
        doc.size = len(raw)
        doc.sha256 = hashlib.sha256(raw).hexdigest()
        doc.text, doc.decode_error = decode(raw)
        if doc.decode_error is not None:
            doc.raw = raw  # for checks that describe the bad bytes
        if doc.text is not None:
            doc.header = self.parse_header(doc.path, doc.text)

    def _resolve(self, rel: str) -> tuple[Path | None, str | None]:
        """``rel`` (already normalised) as a real path inside the corpus, or
        why not. Folders are resolved once each; the file itself only when
        it is a symlink."""
        parent, _, name = rel.rpartition("/")
        known = self._dirs.get(parent)
        if known is None:
            known = _resolve_inside(self.root_real, parent) if parent else (self.root_real, None)
            self._dirs[parent] = known
        real_dir, why = known
        if real_dir is None:
            return None, why
        candidate = f"{real_dir}/{name}"
        if os.path.islink(candidate):
            return _resolve_inside(self.root_real, rel)
        return Path(candidate), None

    def parse_header(self, path: str, text: str) -> Header | None:
        try:
            header: Header | None = self.registry.pm.hook.provlint_parse_header(
                path=path, text=text
            )
        except Exception as exc:
            self.registry.internal_error(
                f"a header parser raised {type(exc).__name__} on {path}: {exc}",
                path=path,
                tb=traceback.format_exc(),
            )
            return None
        if header is not None and not isinstance(header, Header):
            self.registry.internal_error(
                f"a header parser returned {type(header).__name__} on {path}, expected a Header",
                path=path,
            )
            return None
        return header

    def process(self, doc: Document) -> DocResult:
        """The document phase for one document: read it, declare its
        fields, run every document check on it."""
        errors_before = len(self.registry.findings)
        tracebacks_before = len(self.registry.tracebacks)
        # A fresh record: the caller's stays light (no text kept alive).
        doc = Document(path=doc.path, row=doc.row, index_path=doc.index_path)
        doc.corpus_size = self.corpus_size
        self.read_document(doc)
        doc.declared = declarations(doc)
        sups, bad = header_suppressions(doc)
        found: list[Finding] = []
        for spec, check in self.doc_checks:
            self._collect(spec, doc.path, lambda c=check, d=doc: c.check_document(d), found)
        errors = self.registry.findings[errors_before:]
        tracebacks = self.registry.tracebacks[tracebacks_before:]
        del self.registry.findings[errors_before:]
        del self.registry.tracebacks[tracebacks_before:]
        return DocResult(doc.lightweight(), found, sups, bad, errors, tracebacks)

    def run(
        self,
        jobs: int = 1,
        open_cache: Callable[[], ResultCache | None] | None = None,
        executor: Executor | None = None,
    ) -> tuple[Catalogue, DocumentStore]:
        catalogue = _read_catalogue(self.root)
        self.index_path = catalogue.path
        docs: list[Document] = []
        seen: set[str] = set()
        for row in catalogue.rows:
            f = row.file
            if not f:
                continue
            norm, _ = safe_relpath(f)
            key = norm or f
            if key in seen:
                continue  # index-schema reports the second row
            seen.add(key)
            docs.append(Document(path=key, row=row, index_path=catalogue.path))
        matcher = PathMatcher(self.config.documents, (*DEFAULT_EXCLUDE, *self.config.exclude))
        unreadable: list[str] = []
        for rel in discover(self.root, matcher, unreadable):
            if rel not in seen:
                seen.add(rel)
                docs.append(Document(path=rel, index_path=catalogue.path))
        # A folder that cannot be listed is reported as what it is: reading
        # it as a document fails with the reason (missing-file says so).
        docs.extend(Document(path=rel, index_path=catalogue.path) for rel in unreadable)
        self.corpus_size = len(docs)
        # A small corpus is read faster than a cache is opened.
        cache = open_cache() if open_cache is not None and len(docs) >= CACHE_FROM else None
        self.cache = cache

        # Unchanged documents come from the cache; the rest are read and
        # checked, in worker processes when there are enough of them. The
        # results are consumed in document order as they arrive, and the
        # light documents go to a store (on disk for a large corpus).
        stamps: dict[str, Stamp] = {}
        valid: set[str] = set()
        if cache is not None:
            size_class = self._size_class()
            for doc in docs:
                stamp = self._stamp(doc, size_class)
                if stamp is not None:
                    stamps[doc.path] = stamp
            valid = cache.matching(stamps)
        todo = [d for d in docs if d.path not in valid]
        workers = _workers(jobs, len(todo))
        self.stats["jobs"] = workers
        store = DocumentStore(stream=len(docs) >= _store.STREAM_FROM)
        pending: list[tuple[str, Entry]] = []
        hits = 0

        def misses() -> Iterator[tuple[DocResult, bytes | None]]:
            if executor is not None or workers > 1:
                batches = executor(self, todo) if executor else _run_pool(self, todo, workers)
                for batch in batches:
                    for blob in batch:
                        yield cache_loads(blob), blob
            else:
                # One document in full at a time: the text, body and
                # per-document memo are dropped once its checks have run.
                for doc in todo:
                    yield self.process(doc), None

        def take(result: DocResult, blob: bytes | None, fresh: bool) -> None:
            store.append(result.doc)
            self.findings.extend(result.findings)
            self.suppressions.extend(result.suppressions)
            self.suppression_findings.extend(result.bad_suppressions)
            self.registry.findings.extend(result.errors)
            self.registry.tracebacks.extend(result.tracebacks)
            path = result.doc.path
            stamp = stamps.get(path)
            if fresh and cache is not None and stamp is not None and not result.errors:
                pending.append((path, Entry(stamp, result.doc.sha256, blob or cache_dumps(result))))
                if len(pending) >= 2000:
                    cache.store(pending, keep=None)
                    pending.clear()

        with self.budget:
            computed = misses()
            for i, doc in enumerate(docs):
                if self.progress is not None and i % BATCH == 0:
                    self.progress(i, len(docs))
                if doc.path in valid:
                    assert cache is not None
                    result = _cached(cache, doc.path, stamps[doc.path])
                    if result is not None:
                        hits += 1
                        take(result, None, fresh=False)
                        continue
                    take(self.process(doc), None, fresh=True)  # a bad entry: check it here
                    continue
                result, blob = next(computed)
                if result.doc.path != doc.path:  # pragma: no cover - an executor's bug
                    raise RuntimeError(f"results out of order: {result.doc.path} for {doc.path}")
                take(result, blob, fresh=True)
            if next(computed, None) is not None:  # pragma: no cover - an executor's bug
                raise RuntimeError("an executor returned more results than documents")
        self.stats["cached"] = hits
        if cache is not None:
            cache.store(pending, keep=None if self.partial else [d.path for d in docs])
        for held in (docs, todo, pending):
            held.clear()
        valid.clear()
        stamps.clear()
        corpus = Corpus(root=str(self.root), catalogue=catalogue, documents=store)
        with self.budget:
            for spec, ccheck in self.corpus_checks:
                self._collect(spec, "", lambda c=ccheck: c.check_corpus(corpus))
        return catalogue, store

    def _size_class(self) -> str:
        """Which side of each check's corpus-size breaks this run is on."""
        sides = []
        for spec, check in self.doc_checks:
            for limit in check.corpus_size_breaks():
                sides.append(f"{spec.name}:{limit}:{int(self.corpus_size <= limit)}")
            volatile = check.volatile_key()
            if volatile:
                sides.append(f"{spec.name}={volatile}")
        return ",".join(sides)

    def _stamp(self, doc: Document, size_class: str) -> Stamp | None:
        rel, _ = safe_relpath(doc.path)
        if rel is None:
            return None
        real, _ = self._resolve(rel)
        if real is None:
            return None
        try:
            st = os.stat(real)
        except OSError:
            return None
        if not _storable(doc.path):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        row = doc.row
        row_key = (
            repr((row.line, sorted((k, c.value, c.column) for k, c in row.cells.items())))
            if row is not None
            else ""
        )
        aux = hashlib.blake2b(
            f"{row_key}\0{doc.index_path}\0{size_class}\0{st.st_ino}\0{st.st_ctime_ns}".encode(
                "utf-8", "surrogatepass"
            ),
            digest_size=16,
        ).hexdigest()
        return Stamp(st.st_mtime_ns, st.st_size, aux)


# --------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------

BATCH = 250
"""Documents per task sent to a worker process."""

CACHE_FROM = 100
"""Corpora with fewer documents than this do not use the result cache."""

Executor = Callable[["_Engine", list[Document]], Iterable[list[bytes]]]
"""Runs the document phase somewhere else: given the engine and the
documents to read, yields batches of pickled :class:`DocResult`, every
document exactly once, in the order given (``_run_pool`` is the local one;
the dask engine is another)."""

_WORKER: _Engine | None = None


def _cached(cache: ResultCache, path: str, stamp: Stamp) -> DocResult | None:
    """The cached result for ``path``, or None when the entry does not
    verify or does not load (then the document is read again)."""
    blob = cache.fetch(path, stamp)
    if blob is None:
        return None
    try:
        result = cache_loads(blob)
    except Exception:  # unreadable entry: a miss, never trusted
        return None
    if isinstance(result, DocResult) and result.doc.path == path:
        return result
    return None


def _workers(jobs: int, todo: int) -> int:
    """Worker processes worth starting: never more than one per batch."""
    if jobs <= 1 or todo < 2 * BATCH:
        return 1
    return max(1, min(jobs, -(-todo // BATCH)))


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """Make this worker process exit when its parent dies, even by
    ``kill -9`` (which gives the parent no chance to stop its pool):
    Linux's PR_SET_PDEATHSIG, elsewhere a thread that watches the parent."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass

    def watch() -> None:  # pragma: no cover - not Linux
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="provlint-parent-watch", daemon=True).start()


def _init_worker(engine: _Engine, parent: int) -> None:
    global _WORKER
    _die_with_parent(parent)
    # A worker ignores ^C: the parent shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = engine
    engine.registry.findings.clear()
    engine.registry.tracebacks.clear()
    engine.budget.__enter__()


def _work(batch: list[Document]) -> list[bytes]:
    engine = _WORKER
    assert engine is not None
    return [cache_dumps(engine.process(doc)) for doc in batch]


def _run_pool(engine: _Engine, todo: list[Document], workers: int) -> Iterator[list[bytes]]:
    """Run the document phase of ``todo`` in ``workers`` forked processes,
    in batches, yielding each batch's pickled results in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        # Without fork, the engine (with its plugin objects) would have to be
        # pickled into every worker: run in this process instead.
        with engine.budget:
            for i in range(0, len(todo), BATCH):
                yield [cache_dumps(engine.process(d)) for d in todo[i : i + BATCH]]
        return
    ctx = multiprocessing.get_context("fork")
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(engine, os.getpid()),
    ) as pool:
        yield from pool.map(_work, batches)


def _fingerprint(module_name: str) -> str:
    """The name, size and modification time of a plugin module's source, so
    that an edited plugin never reuses results cached before the edit. Every
    module of provlint shares one fingerprint: its whole package."""
    if module_name.startswith("provlint."):
        return _package_fingerprint()
    module = sys.modules.get(module_name)
    where = getattr(module, "__file__", None)
    if not where:
        return module_name
    return _files_fingerprint(module_name, [Path(where)])


@functools.cache
def _package_fingerprint() -> str:
    from . import plugins, schemas

    folders = [Path(m.__file__ or "").resolve().parent for m in (sys.modules[__name__], plugins)]
    files = [f for d in folders for f in d.glob("*.py")]
    files += Path(schemas.__file__ or "").resolve().parent.glob("*.json")
    return _files_fingerprint("provlint", sorted(files))


def _files_fingerprint(name: str, files: Iterable[Path]) -> str:
    parts = [name]
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        parts.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _library_versions() -> dict[str, str]:
    """The versions of the libraries whose behaviour reaches the results."""
    from importlib import metadata

    out = {}
    for name in ("PyYAML", "jsonschema", "jsonschema-rs", "numpy", "pluggy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def _open_cache(root: Path, cfg: Config, registry: Registry, engine: _Engine) -> ResultCache | None:
    from . import __version__
    from .cache import context_key, default_folder

    config = {
        "root": str(root.resolve()),
        "documents": cfg.documents,
        "exclude": cfg.exclude,
        "checks": [s.name for s in engine.specs],
        "instantiated": sorted(s.name for s, _ in (*engine.doc_checks, *engine.corpus_checks)),
        "libraries": _library_versions(),
        "severity": {k: v.value for k, v in sorted(engine.severity.items())},
        "options": cfg.check_options,
        "max_document_bytes": cfg.max_document_bytes,
        "extra": cfg.extra,
    }
    plugins = [("provlint", "", "", "", _package_fingerprint())]
    for info in registry.plugins:
        obj = registry.pm.get_plugin(info.name)
        module = getattr(obj, "__name__", None) or type(obj).__module__
        plugins.append((info.name, info.module, info.dist, info.version, _fingerprint(module)))
    folder = cfg.cache_dir or default_folder(root)
    cache = ResultCache(folder, context_key(__version__, config, plugins))
    cache.open()
    return cache


@dataclass(frozen=True)
class Scope:
    """What a run restricted to some files covered: the named files and
    folders (folders end in "/"), and the corpus's document paths by id, so
    that a finding on an INDEX.md row counts for the document it names."""

    only: frozenset[str]
    paths_by_id: dict[str, set[str]] = field(default_factory=dict)

    def named(self, path: str) -> bool:
        """True when ``path`` is a named file, or inside a named folder."""
        only = self.only
        return path in only or any(o.endswith("/") and path.startswith(o) for o in only)

    def covers(self, path: str, doc_id: str | None) -> bool:
        """Whether a finding on ``path`` about document ``doc_id`` is in
        this run's scope (a baseline entry's test)."""
        if path and self.named(path):
            return True
        return any(self.named(p) for p in self.paths_by_id.get(doc_id or "", ()))

    def keeps(self, f: Finding) -> bool:
        """Whether the run reports ``f``: it is about a named file, points
        at one, or has no file at all (a plugin that failed to load)."""
        if not f.path:
            return True
        return self.covers(f.path, f.doc_id) or any(self.named(r.path) for r in f.related)


def run(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] = (),
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    cwd: Path | None = None,
) -> Report:
    """Check one corpus and return its :class:`Report`.

    :param paths: a corpus folder, its INDEX.md, or document files inside
        one corpus (then only findings on those files are kept). Empty: the
        corpus at or above the current directory.
    :param config: the configuration; by default it is read from
        ``provlint.toml`` / ``pyproject.toml`` found from the corpus upwards.
    :param plugins: extra plugin objects to register (modules or instances
        with hook implementations).
    :raises ConfigError: for usage and configuration errors.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    targets = locate(paths, cwd)
    if len(targets) != 1:
        raise ConfigError(
            "these paths belong to more than one corpus: "
            + ", ".join(str(t.root) for t in targets)
            + "; use run_many()"
        )
    return _run_target(targets[0], config, plugins)


def run_many(
    paths: Sequence[str | os.PathLike[str]] = (),
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    cwd: Path | None = None,
) -> list[Report]:
    """Like :func:`run`, for paths that may span several corpora."""
    return run_targets(locate(paths, cwd), config, plugins=plugins)


def run_targets(
    targets: Sequence[Target],
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[Report]:
    """Check corpora already found by :func:`locate`. ``progress(done,
    total)`` is called as documents are read (the CLI draws a bar with it)."""
    return [_run_target(t, config, plugins, progress) for t in targets]


def _plugin_sources(cfg: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the configuration's ``plugins`` load: (installed plugins it
    selects by entry-point or distribution name, modules to import).

    Only a trusted configuration (built in code, or ``--config FILE``) may
    name a module to import. A file found in or above the checked folder
    comes with the folder, so it may only select what is already installed;
    anything else is a configuration error, and nothing is imported.
    """
    if not cfg.plugins:
        return (), cfg.plugin_modules
    from .registry import ENTRY_POINT_GROUP, installed_plugins

    installed = installed_plugins()
    selected: list[str] = []
    modules = list(cfg.plugin_modules)
    for name in cfg.plugins:
        if name in installed:
            selected.append(name)
        elif name in cfg.plugin_modules:
            continue  # the person running provlint named it too (-p)
        elif cfg.trusted:
            modules.append(name)
        else:
            where = f"{cfg.source}: " if cfg.source else ""
            known = ", ".join(sorted(installed)) or "none"
            raise ConfigError(
                f"{where}plugins: {name!r} is not an installed provlint plugin. A configuration "
                f"file found with the checked folder may only select plugins registered in the "
                f"{ENTRY_POINT_GROUP!r} entry-point group (installed: {known}); to load a module "
                f"by name, pass -p {name} or --config FILE"
            )
    return tuple(selected), tuple(modules)


def make_engine(root: Path, cfg: Config, plugins: Iterable[Any] = ()) -> _Engine:
    """A fresh plugin manager, registry and check instances for one run
    (also what a worker of another engine builds for itself)."""
    selected, modules = _plugin_sources(cfg)
    registry = build_registry(
        modules, cfg.blocked_plugins, cfg.load_entrypoints, tuple(plugins), selected
    )
    from .config import validate_plugin_config

    validate_plugin_config(
        cfg,
        registry.option_schemas,
        {name: dict(spec.cls.options) for name, spec in registry.checks.items()},
    )
    _check_selectors(cfg, registry)
    _check_required(cfg, registry)
    return _Engine(root, cfg, registry)


def _run_target(
    target: Target,
    config: Config | None,
    plugins: Iterable[Any],
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> Report:
    started = time.perf_counter()
    cfg = config if config is not None else load_config(target.root)
    engine = make_engine(target.root, cfg, plugins)
    registry = engine.registry
    engine.progress = progress
    engine.partial = target.only is not None
    # A plugin or check that failed to load would leave its findings out of
    # every result: such a run is not cached.
    use_cache = cfg.cache and not registry.findings
    opener = (lambda: _open_cache(target.root, cfg, registry, engine)) if use_cache else None
    # Many small long-lived objects: full collections would rescan them all
    # again and again for no garbage. Collect less often during the run.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        catalogue, docs = engine.run(cfg.jobs or default_jobs(), opener, executor)
    finally:
        gc.set_threshold(*thresholds)
        if engine.cache is not None:
            engine.cache.close()
    cache = engine.cache
    known = {s.code: s.name for s in registry.checks.values()}
    known.update({s.name: s.name for s in registry.checks.values()})
    kept, suppressed, unused = apply_suppressions(
        engine.findings,
        engine.suppressions,
        known,
        catalogue.path,
        ran=frozenset(s.name for s in engine.specs),
    )
    if any(s.cls is UnusedSuppression for s in engine.specs):
        kept += unused + engine.suppression_findings
    if cfg.per_file_ignores:
        rules = [(PathMatcher([glob], ()), sels) for glob, sels in cfg.per_file_ignores.items()]
        kept = [f for f in kept if not _per_file_ignored(f, rules)]
    findings = kept + registry.findings
    scope = None
    if target.only is not None:
        by_id: dict[str, set[str]] = {}
        for d in docs:
            if d.doc_id:
                by_id.setdefault(d.doc_id, set()).add(d.path)
        scope = Scope(target.only, by_id)
        findings = [f for f in findings if scope.keeps(f)]
        suppressed = [(f, r) for f, r in suppressed if scope.keeps(f)]
    count = len(docs)
    docs.close()  # the temporary file, for a streamed corpus
    ordered = tuple(sorted(set(findings), key=lambda f: f.sort_key))
    stats = {
        "documents": count,
        "rows": len(catalogue.rows),
        "checks": len(engine.specs),
        "cached": engine.stats.get("cached", 0),
        "jobs": engine.stats.get("jobs", 1),
        "seconds": round(time.perf_counter() - started, 6),
    }
    if cache is not None and cache.problem:
        stats["cache_problem"] = cache.problem
    return Report(
        root=target.root,
        findings=ordered,
        stats=stats,
        checks=engine.specs,
        tracebacks=tuple(registry.tracebacks),
        registry=registry,
        suppressed=tuple(sorted(suppressed, key=lambda fr: fr[0].sort_key)),
        scope=scope,
    )
