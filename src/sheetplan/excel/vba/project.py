"""A source-only ``vbaProject.bin`` from VBA text, with the pinned ms-ovba's data model.

ms-ovba 0.0.1 supplies the MS-OVBA records (``dir``, ``PROJECT``, ``_VBA_PROJECT``) and
ms-cfb the compound file; we skip its file-writing entry points, which drop scratch files
into the working directory and next to the sources (and append to stale ones on a rebuild),
and compress with our corrected :mod:`sheetplan.excel.vba.compression`. Scratch files go to a
private temporary folder (ms-cfb's own scratch files too: it writes them into the working
directory, so the build runs there). The ``PROJECT`` stream's obfuscated CMG/DPB/GC fields use
``random``; we seed it for the call so two builds are byte-identical, then restore it.

Source-only means no compiled p-code (``_VBA_PROJECT`` version 0xFFFF): Excel compiles the
modules on first load, as it does for xlwings' own templates. Where ms-ovba and Excel differ,
we write what Excel wrote into the VBA project of xlwings' shipped template
``quickstart_addin_ribbon.xlam`` (its package re-saved by another library, its project Excel's): the
project's own name (ms-ovba always says "VBAProject"), SYSKIND Win32, ``VersionCompatible32``,
a ``[Workspace]`` section, the ``PROJECTwm`` stream, ``_VBA_PROJECT`` Reserved3 = 1, class
modules with Excel's attribute header and their description in the dir record.
:mod:`sheetplan.excel.vba.anatomy` reads both files back, and a test lists every remaining difference.
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
from ms_ovba.Models.Fields.doubleEncodedString import DoubleEncodedString
from ms_ovba.Models.Fields.idSizeField import IdSizeField
from ms_ovba.Models.Fields.libid_reference import LibidReference
from ms_ovba.Models.Fields.packed_data import PackedData
from ms_ovba.vbaProject import VbaProject
from ms_ovba.Views.dirStream import DirStream
from ms_ovba.Views.project import Project
from ms_ovba.Views.project_view import ProjectView
from ms_ovba.Views.projectWm import ProjectWm

from .compression import compress

ModuleKind = Literal["module", "class", "document"]
CODEPAGE = "cp1252"  # ms-ovba writes PROJECTCODEPAGE 1252: module text must be Windows-1252
PROJECT_ID = "{5EE7A1A0-2024-4B11-8D11-5EE7A1A00001}"
PROJECT_NAME = "SheetPlan"  # the VBA project's name in the VBE's project explorer
SYSKIND_WIN32 = 1  # as in xlwings' shipped templates' VBA projects, which load in 32- and 64-bit Excel
VERSION_COMPATIBLE32 = "393222000"  # the only value MS-OVBA allows; Excel always writes it
CLASS_GUID = "FCFB3D2A-A0FA-1068-A738-08002B3371B5"  # VB_Base of every Excel class module
#: A class module's attributes as Excel stores them, in order, with their defaults; the
#: STORED_ONLY ones are not in an exported ``.cls`` (what ``VBComponents.Import`` reads).
CLASS_ATTRIBUTES = {"VB_Name": '""', "VB_Base": f'"0{{{CLASS_GUID}}}"', "VB_GlobalNameSpace": "False",
                    "VB_Creatable": "False", "VB_PredeclaredId": "False", "VB_Exposed": "False",
                    "VB_TemplateDerived": "False", "VB_Customizable": "False"}
STORED_ONLY = ("VB_Base", "VB_TemplateDerived", "VB_Customizable")
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
    """A class module from an exported ``.cls`` file, with the attribute header Excel stores.

    An export carries a VERSION/BEGIN…END block and five attributes; Excel's own stream has
    no block, adds ``VB_Base`` (the class GUID), ``VB_TemplateDerived`` and
    ``VB_Customizable`` after them and keeps any ``VB_Description`` last.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Attribute VB_Name"))
    attrs: dict[str, str] = {}
    end = start
    while end < len(lines) and lines[end].startswith("Attribute VB_"):
        key, _, value = lines[end][len("Attribute "):].partition(" = ")
        attrs[key] = value
        end += 1
    exported = {k: v for k, v in attrs.items() if k in CLASS_ATTRIBUTES and k not in STORED_ONLY}
    head = [f"Attribute {key} = {value}" for key, value in {**CLASS_ATTRIBUTES, **exported}.items()]
    if "VB_Description" in attrs:
        head.append(f"Attribute VB_Description = {attrs['VB_Description']}")
    name = attrs["VB_Name"].strip('"')
    return VbaModule(name, "class", "\n".join(head + lines[end:]))


def description(module: VbaModule) -> str:
    """A module's ``VB_Description``, as Excel also stores it in the dir record (escapes resolved)."""
    for line in module.code.replace("\r\n", "\n").split("\n"):
        if line.startswith("Attribute VB_Description = "):
            text = line.partition(" = ")[2].strip('"').replace('""', '"')
            return text.replace("\\r\\n", "\r\n").replace("\\n", "\n")
        if not line.startswith("Attribute "):
            break
    return ""


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
    model: ModuleBase
    if module.kind == "module":
        model = StdModule(module.name)
    elif module.kind == "class":
        model = _ClassModule(module.name)
    else:
        model = DocModule(module.name)
    model.docString = DoubleEncodedString([0x001C, 0x0048], description(module))
    model.add_workspace(0, 0, 0, 0, "C")  # the VBE's window list: every module closed
    return model


class _ExcelDir(DirStream):
    """ms-ovba's dir records, with the project's name and SYSKIND as Excel writes them."""

    def __init__(self, project: VbaProject, name: str) -> None:
        super().__init__(project)
        self._name = name

    def _load_information(self) -> list:  # type: ignore[type-arg]
        records = super()._load_information()
        records[0] = IdSizeField(1, 4, SYSKIND_WIN32)
        at = next(i for i, r in enumerate(records) if isinstance(r, IdSizeField) and r._id == 4)
        records[at] = IdSizeField(4, len(self._name), self._name)
        return records


def _project_text(project: VbaProject, name: str) -> bytes:
    """The PROJECT stream: ms-ovba's text with the project's own name (it always writes
    "VBAProject"); ``VersionCompatible32`` comes in through the attributes."""
    text = Project(project).to_bytes()
    old = b'\r\nName="VBAProject"\r\n'
    if text.count(old) != 1:
        raise RuntimeError("ms-ovba's PROJECT text changed: Name line not found")
    return text.replace(old, f'\r\nName="{name}"\r\n'.encode("ascii"))


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
    project.add_attribute("VersionCompatible32", VERSION_COMPATIBLE32)
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
            "dir": compress(_ExcelDir(project, PROJECT_NAME).to_bytes()),
            "_VBA_PROJECT": ProjectView(project, reserved=1).to_bytes(),
        }
        state = random.getstate()
        try:
            random.seed(_SEED)
            top = {"PROJECT": _project_text(project, PROJECT_NAME), "PROJECTwm": ProjectWm(project).to_bytes()}
        finally:
            random.setstate(state)
        for name in ("dir", "_VBA_PROJECT"):
            path = folder / f"{name}.bin"
            path.write_bytes(streams[name])
            storage.add_directory(StreamDirectory(name, str(path)))
        root = RootDirectory()
        root.set_modified(project.default_date)
        root.add_directory(storage)
        for name, data in top.items():
            path = folder / f"{name}.bin"
            path.write_bytes(data)
            root.add_directory(StreamDirectory(name, str(path)))
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
