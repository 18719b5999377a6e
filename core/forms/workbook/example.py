"""The form the blank template carries as its example: short, in the department's style, and
with every question type, every kind of condition and check, a group, a table with its rules,
and the analytic order's wording, so that a methodist starts from a real one."""

from functools import cache

import yaml

from core.forms.models import FormDefinition

EXAMPLE_YAML = """
id: learning_difficulties
version: 1
title: Работа с обучающимися, испытывающими трудности в обучении
short_title: Трудности в обучении
description: >-
  Выявление обучающихся с трудностями в обучении, индивидуальная работа с ними
  и её результаты за отчётный период.
source: пример — замените вопросы своими
sections:
  - title: Выявление трудностей
    questions:
      - id: has_list
        type: yes_no
        text: Составлен ли список обучающихся, испытывающих трудности в обучении?
        order:
          topic: Работа с обучающимися, испытывающими трудности в обучении
          finding: составлены списки обучающихся, испытывающих трудности в обучении
          instruction: Составить список обучающихся, испытывающих трудности в обучении
      - id: students
        type: integer
        text: Сколько обучающихся в списке?
        hint: Если таких нет — 0.
        unit: чел.
        min: 0
        max: 2000
        show_if:
          - {question: has_list, equals: true}
        order:
          finding: "в списке {value}"
      - id: grades
        type: grades
        text: В каких классах есть такие обучающиеся?
        hint: Например, 5-9, 11.
        show_if:
          - {question: has_list, equals: true}
      - id: causes
        type: multi_choice
        text: Какие причины трудностей выявлены?
        hint: Отметьте не больше трёх главных и нажмите «Готово».
        other: true
        max_selected: 3
        show_if:
          - {question: has_list, equals: true}
        order:
          finding: выявлены причины трудностей в обучении
          none_option: unknown
        options:
          - id: gaps
            label: Пробелы в знаниях за предыдущие годы
            button: Пробелы в знаниях
          - id: motivation
            label: Низкая учебная мотивация
          - id: attendance
            label: Пропуски уроков
          - id: language
            label: Русский язык не родной (обучающиеся-инофоны)
            button: Русский язык не родной
          - id: unknown
            label: Причины не выявлены
      - id: absentees
        type: integer
        text: Сколько из них систематически пропускают уроки?
        unit: чел.
        min: 0
        max: 2000
        show_if:
          - {question: causes, includes: attendance}
        checks:
          - compare: "<="
            question: students
            message: Это больше, чем обучающихся в списке. Проверьте числа.
  - title: Индивидуальная работа
    questions:
      - id: routes
        type: single_choice
        text: Разработаны ли индивидуальные образовательные маршруты?
        options:
          - id: all
            label: Да, для всех обучающихся из списка
            button: Да, для всех
            finding: разработаны индивидуальные образовательные маршруты
          - id: some
            label: Да, для части обучающихся
            finding: индивидуальные образовательные маршруты разработаны для части обучающихся
          - id: none
            label: Нет
            instruction: >-
              Разработать индивидуальные образовательные маршруты для обучающихся,
              испытывающих трудности в обучении
      - id: routes_count
        type: integer
        text: Для скольких обучающихся разработаны маршруты?
        unit: маршрут|маршрута|маршрутов
        min: 1
        max: 2000
        show_if:
          - {question: routes, one_of: [all, some]}
        checks:
          - compare: "<="
            question: students
            message: Маршрутов больше, чем обучающихся в списке. Проверьте числа.
      - id: consultations_share
        type: percent
        text: Какая доля обучающихся из списка посещает консультации учителей?
        hint: Например, 75 или 12,5.
        show_if:
          - {question: has_list, equals: true}
      - id: extra_hours
        type: decimal
        text: Сколько часов в неделю в среднем обучающийся занимается дополнительно?
        hint: Например, 1,5.
        unit: ч
        min: 0
        max: 20
        summed: false
      - id: plan_approved
        type: date
        text: Дата утверждения плана индивидуальной работы
        hint: Например, 01.09.2021.
        not_in_future: true
        min_date: 2020-01-01
        order:
          finding: "план утверждён {value}"
      - id: parent_events
        type: group
        text: Какие мероприятия проведены с родителями этих обучающихся?
        hint: Добавьте каждое мероприятие отдельно. Если их не было, пропустите вопрос.
        required: false
        item_name: Мероприятие
        max_items: 20
        questions:
          - id: name
            type: text
            text: Название мероприятия
            hint: Например, консультация «Как помочь ребёнку с домашними заданиями».
            max_length: 200
          - id: held_on
            type: date
            text: Дата мероприятия
            not_in_future: true
          - id: parents
            type: integer
            text: Сколько родителей участвовали?
            unit: чел.
            min: 1
            max: 500
  - title: Результаты
    questions:
      - id: results
        type: table
        text: Доля отметок «2» по итогам четверти
        hint: Одна строка — одна пара «предмет — класс».
        item_name: Строка
        max_items: 30
        key: [subject, grade]
        row_checks:
          - sum: [fail_pct, improved_pct]
            at_most: 100
            message: доля «2» и доля улучшивших результат вместе больше 100 %
        required_rows:
          - {subject: math, grade: g9}
        thresholds:
          - column: fail_pct
            at_least: 20
            label: доля «2» — 20 % и больше
        questions:
          - id: subject
            type: single_choice
            text: Предмет
            options:
              - {id: russian, label: Русский язык}
              - {id: math, label: Математика}
          - id: grade
            type: single_choice
            text: Класс
            options:
              - {id: g5, label: 5 класс}
              - {id: g7, label: 7 класс}
              - {id: g9, label: 9 класс}
          - id: fail_pct
            type: percent
            text: Доля отметок «2», %
            short: «2»
          - id: improved_pct
            type: percent
            text: Доля улучшивших результат, %
            short: рост
      - id: report
        type: file
        text: Приложите справку по итогам работы
        required: false
      - id: report_links
        type: url
        text: Ссылки на справку и материалы на сайте школы
        several: true
        required: false
        show_if:
          - {question: report, answered: false}
      - id: responsible
        type: text
        text: Кто отвечает за работу (ФИО, должность)?
        min_length: 5
        max_length: 150
        order:
          omit: true
      - id: comment
        type: long_text
        text: Что ещё важно сказать о работе?
        required: false
        max_length: 1500
"""


@cache
def example_form() -> FormDefinition:
    """The template's example form."""
    return FormDefinition.model_validate(yaml.safe_load(EXAMPLE_YAML))
