"""Staff-editable content: topics, their examples and answers (see topics.py,
validation.py and editor.py; ``python -m clinic.content validate``)."""
