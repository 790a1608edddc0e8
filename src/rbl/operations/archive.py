"""The backup archive: an uncompressed tar file (the database dump and the
documents are compressed formats already) with

    database.dump | database.sqlite3   pg_dump's custom format, or a copy of the SQLite file
    media/<path>                       every stored document under RBL_MEDIA_ROOT
    manifest.json                      what is in it, written last

The manifest is the archive's last member, so an archive cut short has none
and is recognised as incomplete. It holds the format version, when and by
which RBL it was made, the database (vendor, server version, dump program),
the latest applied migration of each app, and every other member with its
size and SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "rbl-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024

Progress = Callable[[int], None]


class BackupRejected(Exception):
    """An archive that cannot be restored; the message is Dutch, for the operator.
    Nothing has been changed when it is raised."""


@dataclass
class Manifest:
    created_at: str
    rbl_version: str
    database: dict[str, Any]
    migrations: dict[str, str]
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "rbl_version": self.rbl_version,
            "database": self.database,
            "migrations": self.migrations,
            "files": self.files,
        }

    @property
    def media_files(self) -> list[dict[str, Any]]:
        return [f for f in self.files if f["path"].startswith(MEDIA_PREFIX)]


class HashingReader:
    """Reads a file for tarfile.addfile while counting and hashing what passes."""

    def __init__(self, fh: IO[bytes], progress: Progress | None = None) -> None:
        self.fh = fh
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.progress = progress

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha256.update(data)
        self.size += len(data)
        if self.progress is not None and data:
            self.progress(len(data))
        return data


def add_file(
    tar: tarfile.TarFile, name: str, fh: IO[bytes], progress: Progress | None = None
) -> dict[str, Any]:
    """Add an open file as member `name` (its size when opened); its manifest entry."""
    stat = os.fstat(fh.fileno())
    info = tarfile.TarInfo(name)
    info.size = stat.st_size
    info.mtime = int(stat.st_mtime)
    info.mode = stat.st_mode & 0o777
    reader = HashingReader(fh, progress)
    tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def add_manifest(tar: tarfile.TarFile, manifest: Manifest) -> None:
    data = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def media_relpath(name: str) -> PurePosixPath:
    """The place under MEDIA_ROOT of a media member; refused when it would
    leave MEDIA_ROOT (an absolute path or `..`)."""
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if (
        not name.startswith(MEDIA_PREFIX)
        or relative.is_absolute()
        or not relative.parts
        or any(part in ("", ".", "..") for part in relative.parts)
    ):
        raise BackupRejected(f"De reservekopie bevat een ongeldige bestandsnaam: {name}")
    return relative


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    """The archive's manifest, checked for form; BackupRejected when it is
    missing (an archive cut short) or unreadable."""
    try:
        member = tar.getmember(MANIFEST)
        fh = tar.extractfile(member)
        if fh is None:
            raise KeyError(MANIFEST)
        data = json.loads(fh.read().decode("utf-8"))
    except KeyError:
        raise BackupRejected(
            "Dit bestand is geen volledige reservekopie van RBL: de inhoudsopgave "
            "(manifest.json) ontbreekt. Misschien is het bestand afgebroken of beschadigd."
        ) from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupRejected(
            "De reservekopie is onvolledig of beschadigd: het archief houdt op voor de "
            "inhoudsopgave (manifest.json). Misschien is het bestand afgebroken."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupRejected(
            "De inhoudsopgave (manifest.json) van de reservekopie is beschadigd."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupRejected("Dit bestand is geen reservekopie van RBL.")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupRejected(
            f"Deze reservekopie heeft opmaakversie {version}; deze versie van RBL kan "
            f"alleen versie {FORMAT_VERSION} herstellen."
        )
    try:
        manifest = Manifest(
            created_at=str(data["created_at"]),
            rbl_version=str(data["rbl_version"]),
            database=dict(data["database"]),
            migrations={str(k): str(v) for k, v in dict(data["migrations"]).items()},
            files=[
                {"path": str(f["path"]), "size": int(f["size"]), "sha256": str(f["sha256"])}
                for f in data["files"]
            ],
        )
        str(manifest.database["vendor"])
        str(manifest.database["file"])
    except (KeyError, TypeError, ValueError):
        raise BackupRejected(
            "De inhoudsopgave (manifest.json) van de reservekopie is onvolledig."
        ) from None
    return manifest


def open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except FileNotFoundError:
        raise BackupRejected(f"Bestand niet gevonden: {path}") from None
    except IsADirectoryError:
        raise BackupRejected(f"{path} is een map, geen reservekopie.") from None
    except PermissionError:
        raise BackupRejected(f"Geen toegang tot {path}.") from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupRejected(
            f"{path} is geen reservekopie van RBL of is beschadigd (geen leesbaar tar-archief)."
        ) from None


def extract_verified(
    tar: tarfile.TarFile,
    manifest: Manifest,
    database_to: Path,
    media_to: Path,
    progress: Progress | None = None,
) -> None:
    """Write every member to its place (the database file to `database_to`,
    documents under `media_to`), checking each against the manifest's size and
    SHA-256; BackupRejected at the first difference, a member the manifest does
    not list or a listed file that is missing."""
    expected = {f["path"]: f for f in manifest.files}
    database_name = manifest.database["file"]
    if database_name not in expected:
        raise BackupRejected("De reservekopie bevat geen database.")
    seen: set[str] = set()
    try:
        for member in tar:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or not member.isfile() or member.name in seen:
                raise BackupRejected(
                    f"De reservekopie bevat een bestand dat niet in de inhoudsopgave "
                    f"staat: {member.name}. Het archief is veranderd of beschadigd."
                )
            if member.name == database_name:
                target = database_to
            else:
                target = media_to / media_relpath(member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
            _copy_checked(tar, member, target, entry, progress)
            seen.add(member.name)
    except (tarfile.TarError, EOFError):
        raise BackupRejected(
            "De reservekopie is beschadigd of onvolledig (het archief is niet leesbaar)."
        ) from None
    except OSError as exc:  # writing here: a full disk, no permission
        raise BackupRejected(f"Uitpakken is mislukt: {exc.strerror or exc}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupRejected(
            f"De reservekopie is onvolledig: {len(missing)} bestand(en) uit de inhoudsopgave "
            f"ontbreken, bijvoorbeeld {missing[0]}."
        )


def _copy_checked(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    target: Path,
    entry: dict[str, Any],
    progress: Progress | None,
) -> None:
    source = tar.extractfile(member)
    assert source is not None  # a regular file
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
            if progress is not None:
                progress(len(chunk))
    os.chmod(target, member.mode & 0o777)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupRejected(
            f"De reservekopie is beschadigd: {member.name} komt niet overeen met de "
            "controlesom in de inhoudsopgave."
        )
