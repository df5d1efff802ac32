"""Rules on answers: every topic answered, short enough for a chat window,
readable at the grade patient material aims at."""

from __future__ import annotations

from clinic.content.project_content import Problem, ProjectContent, answer_topic
from clinic.content.readability import MAX_GRADE, grade_of
from clinic.content.topics import is_retrieval

# Longest answer text, placeholders unfilled. The longest now is 588 characters
# (faq/eligibility); much longer answers are hard to read in a chat window.
MAX_ANSWER_CHARS = 700


def missing_answers(content: ProjectContent) -> list[Problem]:
    topics = {topic.name for topic in content.topics}
    problems = [
        Problem(
            f"The topic {topic.name} has no answer. Write the answer visitors "
            "should get.",
            topic=topic.name,
        )
        for topic in content.topics
        if is_retrieval(topic.name) and topic.answer is None
    ]
    problems += [
        Problem(
            f"The answer {name} belongs to no topic with example questions. Add "
            f"the topic {name.removeprefix('utter_')} or remove the answer.",
            topic=name.removeprefix("utter_"),
        )
        for name in content.responses
        if "/" in name and name.removeprefix("utter_") not in topics
    ]
    return problems


def answer_lengths(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            text = answer.text.strip()
            if not text:
                problems.append(
                    Problem(
                        f"The answer {response.name} is empty. Write what the "
                        "assistant should say.",
                        topic=answer_topic(response.name),
                    )
                )
            elif len(text) > MAX_ANSWER_CHARS:
                problems.append(
                    Problem(
                        f"The answer {response.name} is {len(text)} characters "
                        f"long; the limit is {MAX_ANSWER_CHARS}, so that it reads "
                        "well in a chat window. Shorten it.",
                        topic=answer_topic(response.name),
                    )
                )
    return problems


def hard_to_read_answers(content: ProjectContent) -> list[Problem]:
    problems = []
    for response in content.responses.values():
        for answer in response.variants:
            grade = grade_of(response.name, answer.variant, answer.text)
            if grade.too_hard:
                problems.append(
                    Problem(
                        f"The answer {response.name} reads at US school grade "
                        f"{grade.grade:.1f}; visitors' answers must read at grade "
                        f"{MAX_GRADE:.0f} or below. Use shorter sentences and "
                        "everyday words (for example 'help' for 'facilitate').",
                        topic=answer_topic(response.name),
                    )
                )
    return problems
