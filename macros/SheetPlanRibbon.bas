Attribute VB_Name = "SheetPlanRibbon"
' Ribbon callbacks of the SheetPlan tab (addin/ribbon.xml), one per button.
' Each hands over to sheetplan.excel.ribbon in Python through xlwings' RunPython, which works on
' the active workbook (this add-in carries the custom-add-in flavour of the xlwings module).
' No error reaches the VBA debugger: each callback ends in SheetPlanFailed, one message box.
' Texts come from SheetPlanText (generated from sheetplan/excel/texts.py, in Excel's UI
' language). Keep this file ASCII: module bytes are read in the machine's code page.
Option Explicit

Public Const SHEETPLAN_VERSION As String = "0.1.0"

Sub SheetPlanBuildRosters(control As IRibbonControl)
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.build_rosters()", True
End Sub

Sub SheetPlanBuildDutyTables(control As IRibbonControl)
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.build_duty_tables()", True
End Sub

Sub SheetPlanRefreshAll(control As IRibbonControl)
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.refresh_all()", True
End Sub

Sub SheetPlanCheckInputs(control As IRibbonControl)
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.check_inputs()", True
End Sub

Sub SheetPlanCheckRoster(control As IRibbonControl)
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.check_roster()", True
End Sub

Sub SheetPlanNewPlan(control As IRibbonControl)
    On Error GoTo failed
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    SheetPlanRun "import sheetplan.excel.ribbon; sheetplan.excel.ribbon.new_plan()", False
    Exit Sub
failed:
    SheetPlanFailed "SheetPlanNewPlan", Err.Number, Err.Description
End Sub

' Version, where the add-in and Python are, and how tables spill: pure VBA, so it also shows
' that the add-in loaded when Python does not start.
Sub SheetPlanAbout(control As IRibbonControl)
    Dim python As String, bits As String, arrays As String, msg As String
    On Error GoTo failed
    python = SheetPlanInterpreter()
    If python = "" Then
        python = SheetPlanText("about_python_default")
    ElseIf python <> "python" And python <> "pythonw" And Not FileExists(python) Then
        python = python & SheetPlanText("about_python_missing")
    End If
    #If Win64 Then
        bits = " (64-bit)"
    #Else
        bits = " (32-bit)"
    #End If
    If SheetPlanHasDynamicArrays() Then
        arrays = SheetPlanText("about_spill")
    Else
        arrays = SheetPlanText("about_legacy")
    End If
    msg = SheetPlanText("about_version") & ": " & SHEETPLAN_VERSION & vbCrLf & _
          SheetPlanText("about_addin") & ": " & ThisWorkbook.FullName & vbCrLf & _
          SheetPlanText("about_python") & ": " & python & vbCrLf & _
          SheetPlanText("about_excel") & ": " & Application.Version & bits & vbCrLf & arrays
    MsgBox msg, vbInformation, SheetPlanText("title")
    Exit Sub
failed:
    SheetPlanFailed "SheetPlanAbout", Err.Number, Err.Description
End Sub

' RunPython acts on ActiveWorkbook: say so instead of failing inside xlwings. Python's own
' errors are shown by sheetplan.excel.ribbon (one message box); this catches what happens before.
Private Sub SheetPlanRun(command As String, needsWorkbook As Boolean)
    On Error GoTo failed
    If needsWorkbook And ActiveWorkbook Is Nothing Then
        MsgBox SheetPlanText("open_plan_first"), vbExclamation, SheetPlanText("title")
        Exit Sub
    End If
    RunPython command
    Exit Sub
failed:
    SheetPlanFailed command, Err.Number, Err.Description
End Sub

' Runs inside the caller's error handler, where a new error would reach the debugger: guarded.
Private Sub SheetPlanFailed(action As String, number As Long, description As String)
    Dim head As String, hint As String, title As String
    head = "SheetPlan stopped with an error"
    title = "SheetPlan"
    On Error Resume Next
    head = SheetPlanText("failed")
    hint = SheetPlanText("failed_hint")
    title = SheetPlanText("title")
    MsgBox head & vbCrLf & vbCrLf & description & " (" & number & ", " & action & ")" & _
           vbCrLf & vbCrLf & hint, vbCritical, title
End Sub

' The Python the add-in will run. xlwings' GetConfig needs an active workbook; without one,
' read the add-in's own config sheet, then the user's config file.
Private Function SheetPlanInterpreter() As String
    Dim found As Range
    On Error Resume Next
    If Not ActiveWorkbook Is Nothing Then
        SheetPlanInterpreter = GetConfig("INTERPRETER_WIN", "")
        Exit Function
    End If
    Set found = ThisWorkbook.Worksheets(PROJECT_NAME & ".conf").Range("A:A").Find( _
        What:="Interpreter_Win", LookAt:=xlWhole, MatchCase:=False)
    If Not found Is Nothing Then SheetPlanInterpreter = CStr(found.Offset(0, 1).Value)
    If SheetPlanInterpreter = "" Then SheetPlanInterpreter = GetConfig("INTERPRETER_WIN", "", "user")
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
