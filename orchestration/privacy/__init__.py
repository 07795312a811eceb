"""Personal data: erasing a contact person (`python -m orchestration.forget`)."""
