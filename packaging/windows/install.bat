@echo off
rem Installs Houfu for the current user from the wheels beside this file, with no network: a virtual
rem environment under %LOCALAPPDATA%\Programs\Houfu and shortcuts on the desktop and in the Start menu.
rem The data folder (%LOCALAPPDATA%\Houfu) is another folder and is never touched: running the install of
rem a newer kit upgrades the program only. Written to disk in GBK with CRLF by scripts/build-windows-kit.sh.
setlocal
cd /d "%~dp0"
set "TARGET=%LOCALAPPDATA%\Programs\Houfu"

set "PY="
py -3.11-64 -c "import sys" >nul 2>&1 && set "PY=py -3.11-64"
if not defined PY py -3.11 -c "import sys" >nul 2>&1 && set "PY=py -3.11"
if not defined PY python -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" >nul 2>&1 && set "PY=python"
if not defined PY (
    echo 没有找到 Python 3.11。请先安装 64 位的 Python 3.11，再双击运行本文件。详见“安装说明.txt”。
    goto failed
)

echo 正在安装“搬迁群众后续扶持台账”到 %TARGET% ……
if exist "%TARGET%\venv" rmdir /s /q "%TARGET%\venv" >nul 2>&1
if exist "%TARGET%\venv" (
    echo 旧版本的程序文件正在使用中。请先关闭正在运行的软件，再双击运行本文件。
    goto failed
)
%PY% -m venv "%TARGET%\venv"
if errorlevel 1 (
    echo 无法建立程序的运行环境。请确认安装的是 64 位的 Python 3.11。
    goto failed
)
"%TARGET%\venv\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --disable-pip-version-check --no-warn-script-location -q houfu
if errorlevel 1 (
    echo 安装软件包失败。请确认本文件夹中的 wheels 文件夹完整，且安装的是 64 位的 Python 3.11。
    goto failed
)
copy /y "%~dp0houfu.ico" "%TARGET%\houfu.ico" >nul
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0make-shortcuts.ps1" -Target "%TARGET%\venv\Scripts\houfu-gui.exe" -Icon "%TARGET%\houfu.ico"
if errorlevel 1 (
    echo 软件已安装，但没能建立快捷方式。可以直接运行 %TARGET%\venv\Scripts\houfu-gui.exe 。
    goto failed
)
echo.
echo 安装完成。双击桌面上的“搬迁群众后续扶持台账”即可启动；开始菜单中也有。
echo 数据保存在 %LOCALAPPDATA%\Houfu 中，安装新版本不会改动它。
pause
exit /b 0

:failed
echo.
pause
exit /b 1
