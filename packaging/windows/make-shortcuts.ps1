# Shortcuts to the installed window program on the desktop and in the Start menu: made by install.bat,
# removed by uninstall.bat (-Remove). Written to disk as UTF-8 with BOM so that Windows PowerShell reads the
# Chinese names correctly.
param([string]$Target, [string]$Icon, [switch]$Remove)
$ErrorActionPreference = 'Stop'
$name = '搬迁群众后续扶持台账'
foreach ($folder in @([Environment]::GetFolderPath('Desktop'), [Environment]::GetFolderPath('Programs'))) {
    $path = Join-Path $folder "$name.lnk"
    if ($Remove) {
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path }
        continue
    }
    $link = (New-Object -ComObject WScript.Shell).CreateShortcut($path)
    $link.TargetPath = $Target
    $link.WorkingDirectory = [Environment]::GetFolderPath('MyDocuments')
    $link.IconLocation = "$Icon,0"
    $link.Description = '镇水利移民站的一户一档、台账与月报'
    $link.Save()
}
