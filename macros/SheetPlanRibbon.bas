Attribute VB_Name = "SheetPlanRibbon"
' Ribbon callbacks of the SheetPlan tab (addin/ribbon.xml), one per button.
' Each hands over to sheetplan.ribbon in Python through xlwings' RunPython, which works on
' the active workbook (this add-in carries the custom-add-in flavour of the xlwings module).
' Keep this file ASCII: the VBA project is stored in code page 1252.
Option Explicit

Public Const SHEETPLAN_VERSION As String = "0.1.0"

Sub SheetPlanBuildRosters(control As IRibbonControl)
    If Not SheetPlanHasWorkbook() Then Exit Sub
    RunPython "import sheetplan.ribbon; sheetplan.ribbon.build_rosters()"
End Sub

Sub SheetPlanBuildDutyTables(control As IRibbonControl)
    If Not SheetPlanHasWorkbook() Then Exit Sub
    RunPython "import sheetplan.ribbon; sheetplan.ribbon.build_duty_tables()"
End Sub

Sub SheetPlanRefreshAll(control As IRibbonControl)
    If Not SheetPlanHasWorkbook() Then Exit Sub
    RunPython "import sheetplan.ribbon; sheetplan.ribbon.refresh_all()"
End Sub

Sub SheetPlanCheckInputs(control As IRibbonControl)
    If Not SheetPlanHasWorkbook() Then Exit Sub
    RunPython "import sheetplan.ribbon; sheetplan.ribbon.check_inputs()"
End Sub

Sub SheetPlanNewPlan(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    RunPython "import sheetplan.ribbon; sheetplan.ribbon.new_plan()"
End Sub

Sub SheetPlanAbout(control As IRibbonControl)
    MsgBox "SheetPlan " & SHEETPLAN_VERSION & vbCrLf & ThisWorkbook.FullName, vbInformation, "SheetPlan"
End Sub

' RunPython acts on ActiveWorkbook: say so instead of failing inside xlwings.
Private Function SheetPlanHasWorkbook() As Boolean
    SheetPlanHasWorkbook = Not ActiveWorkbook Is Nothing
    If Not SheetPlanHasWorkbook Then MsgBox "Open a plan workbook first.", vbExclamation, "SheetPlan"
End Function

' The add-in's version, e.g. =SheetPlanVersion() from VBA or a script.
Function SheetPlanVersion() As String
    SheetPlanVersion = SHEETPLAN_VERSION
End Function

' Plain check that the add-in's VBA compiles and runs without Python: writes the version
' into D1 of the add-in's own config sheet (the config reader only looks at A:B).
Sub SheetPlanSelfTest()
    ThisWorkbook.Worksheets(1).Range("D1").Value = "SheetPlan " & SHEETPLAN_VERSION
End Sub
