"""Staff-editable content: topics, their examples and answers (see topics.py,
validation.py and the *_rules.py it runs, and editor.py;
``python -m clinic.content validate``)."""
