"""A source-only ``vbaProject.bin`` from VBA text, with the pinned ms-ovba's data model.

ms-ovba 0.0.1 supplies the MS-OVBA records (``dir``, ``PROJECT``, ``_VBA_PROJECT``) and
ms-cfb the compound file; we skip its file-writing entry points, which drop scratch files
into the working directory and next to the sources (and append to stale ones on a rebuild),
and compress with our corrected :mod:`sheetplan.vba.compression`. Scratch files go to a
private temporary folder (ms-cfb's own scratch files too: it writes them into the working
directory, so the build runs there). The ``PROJECT`` stream's obfuscated CMG/DPB/GC fields use
``random``; we seed it for the call so two builds are byte-identical, then restore it.

Source-only means no compiled p-code (``_VBA_PROJECT`` version 0xFFFF): Excel compiles the
modules on first load, as it does for xlwings' own templates.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ms_cfb.Models.Directories.root_directory import RootDirectory
from ms_cfb.Models.Directories.storage_directory import StorageDirectory
from ms_cfb.Models.Directories.stream_directory import StreamDirectory
from ms_cfb.ole_file import OleFile
from ms_ovba.Models.Entities.doc_module import DocModule
from ms_ovba.Models.Entities.module_base import ModuleBase
from ms_ovba.Models.Entities.reference import Reference
from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
from ms_ovba.Models.Entities.std_module import StdModule
from ms_ovba.Models.Fields.libid_reference import LibidReference
from ms_ovba.Models.Fields.packed_data import PackedData
from ms_ovba.vbaProject import VbaProject
from ms_ovba.Views.dirStream import DirStream
from ms_ovba.Views.project import Project
from ms_ovba.Views.project_view import ProjectView

from .compression import compress

ModuleKind = Literal["module", "class", "document"]
CODEPAGE = "cp1252"  # ms-ovba writes PROJECTCODEPAGE 1252: module text must be Windows-1252
PROJECT_ID = "{5EE7A1A0-2024-4B11-8D11-5EE7A1A00001}"
_SEED = 0x5EE7
_lock = threading.Lock()

WORKBOOK_GUID = "00020819-0000-0000-C000-000000000046"
WORKSHEET_GUID = "00020820-0000-0000-C000-000000000046"


@dataclass(frozen=True)
class VbaModule:
    """One VBA component: its stream name, kind and full text (``Attribute`` lines included)."""

    name: str
    kind: ModuleKind
    code: str

    def encoded(self) -> bytes:
        text = "\r\n".join(self.code.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        if not text.endswith("\r\n"):
            text += "\r\n"
        if not text.isascii():  # Excel reads module bytes in the machine's code page (936 on Chinese
            # Windows), so a non-ASCII byte would change meaning there: Chinese text goes through ChrW
            line, ch = next((n, c) for n, row in enumerate(text.split("\r\n"), 1) for c in row if ord(c) > 127)
            raise ValueError(f"VBA module {self.name}, line {line}: {ch!r} is not ASCII; write it as ChrW({ord(ch)})")
        return text.encode(CODEPAGE)


def document_module(name: str, base_guid: str, code: str = "") -> VbaModule:
    """A workbook or worksheet code module, with the attributes Excel writes for one."""
    head = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "0{{{base_guid}}}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return VbaModule(name, "document", "\n".join(head) + ("\n" + code if code else ""))


def class_module_from_cls(text: str) -> VbaModule:
    """A class module from an exported ``.cls`` file (its VERSION/BEGIN…END header dropped)."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Attribute VB_Name"))
    name = lines[start].split('"')[1]
    return VbaModule(name, "class", "\n".join(lines[start:]))


class _ClassModule(ModuleBase):
    """ms-ovba knows standard and document modules; a class module is MODULETYPE 0x0022."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.type = "Class"

    def pack(self, endien: str, cp_name: str) -> bytes:
        out = super().pack(endien, cp_name)
        std = PackedData("HI", 0x0021, 0).pack(endien)
        cls = PackedData("HI", 0x0022, 0).pack(endien)
        head, sep, tail = out.rpartition(std)
        assert sep, "module type record not found"
        return head + cls + tail


def _model(module: VbaModule) -> ModuleBase:
    if module.kind == "module":
        return StdModule(module.name)
    if module.kind == "class":
        return _ClassModule(module.name)
    return DocModule(module.name)


def _references() -> list[Reference]:
    stdole = LibidReference(
        uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
        "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation",
    )
    office = LibidReference(
        uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
        r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
        "Microsoft Office 16.0 Object Library",
    )
    # The Office library defines IRibbonControl, the type of every ribbon callback argument.
    return [
        Reference(ReferenceRegistered(stdole), "stdole"),
        Reference(ReferenceRegistered(office), "Office"),
    ]


def build_vba_project(modules: list[VbaModule]) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules`` as source (same input → same bytes)."""
    names = [m.name for m in modules]
    if len(set(n.lower() for n in names)) != len(names):
        raise ValueError(f"duplicate VBA module names: {names}")
    project = VbaProject()
    project.project_id = PROJECT_ID
    for ref in _references():
        project.add_reference(ref)
    with tempfile.TemporaryDirectory(prefix="sheetplan-vba-") as tmp, _lock:
        folder = Path(tmp)
        storage = StorageDirectory("VBA")
        storage.set_created(project.default_date)
        storage.set_modified(project.default_date)
        for i, module in enumerate(modules):
            model = _model(module)
            project.add_module(model)
            path = folder / f"module{i}.bin"
            path.write_bytes(model.cache + compress(module.encoded()))
            storage.add_directory(StreamDirectory(module.name, str(path)))
        streams = {
            "dir": compress(DirStream(project).to_bytes()),
            "_VBA_PROJECT": ProjectView(project).to_bytes(),
        }
        state = random.getstate()
        try:
            random.seed(_SEED)
            streams["PROJECT"] = Project(project).to_bytes()
        finally:
            random.setstate(state)
        for name in ("dir", "_VBA_PROJECT"):
            path = folder / f"{name}.bin"
            path.write_bytes(streams[name])
            storage.add_directory(StreamDirectory(name, str(path)))
        root = RootDirectory()
        root.set_modified(project.default_date)
        root.add_directory(storage)
        path = folder / "PROJECT.bin"
        path.write_bytes(streams["PROJECT"])
        root.add_directory(StreamDirectory("PROJECT", str(path)))
        ole = OleFile()
        ole.root_directory = root
        out = folder / "vbaProject.bin"
        with _cwd(folder):  # ms-cfb writes (and appends to) scratch files in the working directory
            ole.create_file(str(out))
        return out.read_bytes()


@contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
