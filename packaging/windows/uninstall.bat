@echo off
rem Removes the program and its shortcuts. The data folder (%LOCALAPPDATA%\Houfu) is left as it is.
rem Written to disk in GBK with CRLF by scripts/build-windows-kit.sh.
setlocal
set "TARGET=%LOCALAPPDATA%\Programs\Houfu"
if exist "%TARGET%" rmdir /s /q "%TARGET%" >nul 2>&1
if exist "%TARGET%" (
    echo 程序文件正在使用中。请先关闭正在运行的软件，再双击运行本文件。
    pause
    exit /b 1
)
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0make-shortcuts.ps1" -Remove
echo 已卸载程序。数据仍保存在 %LOCALAPPDATA%\Houfu 中，没有删除。
pause
