"""The household window (一户一档): texts, widgets, table models, the member dialogs and the editor."""
