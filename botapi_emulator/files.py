"""Files known to the emulator: user uploads, bot uploads and ``add_file`` registrations."""

from __future__ import annotations

import itertools
import mimetypes
from dataclasses import dataclass

# Telegram lets bots download files up to 20 MB through getFile.
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    """A file with its Telegram identifiers and its bytes."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


class FileStore:
    """Creates file identifiers and maps them (and download paths) to files."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._by_id: dict[str, UploadedFile] = {}
        self._path_by_id: dict[str, str] = {}
        self._id_by_path: dict[str, str] = {}

    def make(
        self, content: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> UploadedFile:
        """Create a file with fresh identifiers without registering it."""
        number = next(self._counter)
        if mime_type is None and file_name is not None:
            mime_type = mimetypes.guess_type(file_name)[0]
        return UploadedFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AgAD{number:08d}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )

    def register(self, file: UploadedFile, *, folder: str = "documents") -> UploadedFile:
        """Make ``file`` known to getFile and downloadable; returns it."""
        if file.file_id not in self._by_id:
            suffix = ""
            if file.file_name and "." in file.file_name:
                suffix = "." + file.file_name.rsplit(".", 1)[1]
            path = f"{folder}/file_{len(self._by_id)}{suffix}"
            self._by_id[file.file_id] = file
            self._path_by_id[file.file_id] = path
            self._id_by_path[path] = file.file_id
        return file

    def add(
        self,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        folder: str = "documents",
    ) -> UploadedFile:
        file = self.make(content, file_name=file_name, mime_type=mime_type)
        return self.register(file, folder=folder)

    def get(self, file_id: str) -> UploadedFile | None:
        return self._by_id.get(file_id)

    def folder_of(self, file_id: str) -> str:
        """``documents``, ``photos``, ``stickers``, ``voice``...: what kind of file it is."""
        return self._path_by_id[file_id].split("/", 1)[0]

    def path_of(self, file_id: str) -> str:
        return self._path_by_id[file_id]

    def by_path(self, path: str) -> UploadedFile | None:
        file_id = self._id_by_path.get(path)
        return None if file_id is None else self._by_id[file_id]
