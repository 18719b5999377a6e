"""The database schema (SQLAlchemy Core).

Migrations in ``storage/migrations`` create exactly this; a test compares the two.
Timestamps are UTC (``UTCDateTime``); local time is a presentation concern.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ROLES = ("admin", "methodist", "coordinator", "respondent")
RESPONSE_STATUSES = ("not_started", "draft", "submitted", "returned", "accepted")
DELIVERY_STATUSES = ("pending", "sent", "failed", "unreachable")
PLAN_KINDS = ("road_map", "instructions")
PLAN_APPROVALS = ("submitted", "approved", "returned")
ITEM_STATUSES = ("planned", "in_progress", "done", "postponed", "not_done")
DOCUMENT_DECISIONS = ("approved", "returned")

municipalities = Table(
    "municipalities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

districts = Table(
    "districts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=False),
    Column("name", String(200), nullable=False),
    # A base school belongs to the district; the FK is added after both tables exist.
    Column(
        "base_school_id",
        ForeignKey("schools.id", use_alter=True, ondelete="SET NULL"),
        nullable=True,
    ),
    Column("head_name", String(300), nullable=True),
    UniqueConstraint("municipality_id", "name", name="uq_districts_municipality_name"),
)

schools = Table(
    "schools",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=False),
    Column("district_id", ForeignKey("districts.id"), nullable=True),
    Column("full_name", String(500), nullable=False),
    Column("short_name", String(200), nullable=False),
    Column("legal_form", String(20), nullable=True),
    Column("is_shnor", Boolean, nullable=False, default=False),
    Column("unfavourable_conditions", Boolean, nullable=False, default=False),
    # Problem categories of seed 004 (управленческая, методическая, ...), a JSON list.
    Column("problem_categories", JSON, nullable=False, default=list),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("municipality_id", "short_name", name="uq_schools_municipality_short_name"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_id", BigInteger, nullable=False, unique=True),
    Column("full_name", String(300), nullable=False),
    Column("position", String(300), nullable=True),
    Column("username", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Set when Telegram answers 403 (blocked or deactivated); cleared when they write again.
    Column("unreachable_since", UTCDateTime, nullable=True),
    # Removed people keep their row so that past answers stay attributed.
    Column("removed_at", UTCDateTime, nullable=True),
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    # Scope: none for admins and regional methodists, a municipality, a district or one school.
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=True),
    Column("district_id", ForeignKey("districts.id"), nullable=True),
    Column("school_id", ForeignKey("schools.id"), nullable=True),
    Column("granted_by", ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    # SHA-256 of the token; the token itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=True),
    Column("district_id", ForeignKey("districts.id"), nullable=True),
    # School scopes (one for a respondent, a set for a coordinator) are in invitation_schools.
    Column("created_by", ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("max_uses", Integer, nullable=True),
    Column("uses", Integer, nullable=False, default=0),
    Column("revoked_at", UTCDateTime, nullable=True),
    CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
)

invitation_schools = Table(
    "invitation_schools",
    metadata,
    Column("invitation_id", ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)

invitation_redemptions = Table(
    "invitation_redemptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("invitation_id", ForeignKey("invitations.id"), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("redeemed_at", UTCDateTime, nullable=False),
)

forms = Table(
    "forms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    # The whole validated definition, so that old responses keep the form they were given.
    Column("definition", JSON, nullable=False),
    Column("loaded_at", UTCDateTime, nullable=False),
    # An uploaded form belongs to one municipality (its methodists see it); null: built in.
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=True, index=True),
    Column("uploaded_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    UniqueConstraint("key", "version", name="uq_forms_key_version"),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    # A monitoring's own title ("Мониторинг выполнения программы …"); null: its forms' titles.
    Column("title", String(300), nullable=True),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=False),
    Column("period_label", String(100), nullable=False),
    Column("opens_at", UTCDateTime, nullable=False),
    Column("deadline_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    # monthly / quarterly / semiannual / yearly, or chosen months "months:5,10"
    # (core.schedule.recurrence); null for a one-off round.
    Column("recurrence", String(40), nullable=True),
    Column("previous_campaign_id", ForeignKey("campaigns.id"), nullable=True),
    Column("reminder_plan", JSON, nullable=True),
    Column("created_by", ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("deadline_at > opens_at", name="deadline_after_opening"),
    # A round has at most one successor: replicas creating the same next round collide here.
    # (NULLs never collide, so any number of chains may start.)
    Index("ix_campaigns_previous_campaign_id", "previous_campaign_id", unique=True),
)

# The questionnaires of a monitoring, in the order schools see them. ``form_id`` is the version
# a new response starts with; a recurring round takes each key's current version.
campaign_forms = Table(
    "campaign_forms",
    metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("form_key", String(100), nullable=False),
    Column("form_id", ForeignKey("forms.id"), nullable=False),
    UniqueConstraint("campaign_id", "form_key", name="uq_campaign_forms_campaign_form"),
)

campaign_schools = Table(
    "campaign_schools",
    metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)

# The specialists who own a monitoring round (a monitoring plan's "Ответственный"), in the order
# the plan names them: its digests and summary go to them. A round without owners has none in
# particular (every methodist of the municipality). The next round of a chain copies them.
campaign_owners = Table(
    "campaign_owners",
    metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
)

responses = Table(
    "responses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", ForeignKey("campaigns.id"), nullable=False),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    # Which questionnaire of the monitoring, and the version the response was started with.
    Column("form_key", String(100), nullable=False),
    Column("form_id", ForeignKey("forms.id"), nullable=False),
    Column("status", String(20), nullable=False, default="not_started"),
    Column("started_at", UTCDateTime, nullable=True),
    Column("submitted_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("review_comment", Text, nullable=True),
    UniqueConstraint(
        "campaign_id", "school_id", "form_key", name="uq_responses_campaign_school_form"
    ),
    CheckConstraint(f"status IN {RESPONSE_STATUSES!r}", name="status_known"),
)

response_events = Table(
    "response_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", ForeignKey("responses.id"), nullable=False, index=True),
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=True),
    Column("comment", Text, nullable=True),
    Column("at", UTCDateTime, nullable=False),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", ForeignKey("responses.id"), nullable=False),
    Column("question_id", String(100), nullable=False),
    Column("value", JSON, nullable=True),
    Column("answered_by", ForeignKey("users.id"), nullable=True),
    Column("answered_at", UTCDateTime, nullable=False),
    UniqueConstraint("response_id", "question_id", name="uq_answers_response_question"),
)

answer_history = Table(
    "answer_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", ForeignKey("responses.id"), nullable=False),
    Column("question_id", String(100), nullable=False),
    # null means the answer was cleared (e.g. a condition stopped showing its question).
    Column("value", JSON, nullable=True),
    Column("answered_by", ForeignKey("users.id"), nullable=True),
    Column("answered_at", UTCDateTime, nullable=False),
    Index("ix_answer_history_response_question", "response_id", "question_id"),
)

sent_reminders = Table(
    "sent_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    # A reminder of a plan's item names the item instead of a monitoring (``plan_item_id``).
    Column("campaign_id", ForeignKey("campaigns.id"), nullable=True),
    Column(
        "plan_item_id", ForeignKey("plan_items.id", ondelete="CASCADE"), nullable=True, index=True
    ),
    # Digests for coordinators name no single school.
    Column("school_id", ForeignKey("schools.id"), nullable=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    # e.g. "opening", "before:3d", "deadline", "digest:2026-11-22"; unique per recipient.
    Column("kind", String(50), nullable=False),
    Column("status", String(20), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    # When it was last claimed: a failed or lost (claimed, never recorded) delivery is claimed
    # again after a while (storage.reminders.RETRY_FAILED_AFTER, PENDING_LEASE).
    Column("attempted_at", UTCDateTime, nullable=True),
    # "campaign:school:user:kind" (school 0 for a digest): one row per reminder ever meant, so
    # a restart or a second replica that computes the same reminder finds it already claimed.
    # (A unique constraint over the columns would not do: NULL schools never collide.)
    Column("delivery_key", String(200), nullable=False, unique=True),
    CheckConstraint(f"status IN {DELIVERY_STATUSES!r}", name="status_known"),
)

# A department's .docx blank for the analytic order (``/order_template``): one per municipality,
# and one for the whole deployment (NULL municipality: administrators and municipalities without
# their own). NULLs never collide in a unique constraint, so a save deletes the old row first.
order_templates = Table(
    "order_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "municipality_id",
        ForeignKey("municipalities.id", ondelete="CASCADE"),
        nullable=True,
        unique=True,
    ),
    Column("file_name", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

# A plan: a road map (the municipality's, or one school's own) or the instructions of an order
# (``campaign_id``: the monitoring round whose order gave them). A school's road map is approved
# by the department or returned for revision (``approval``); others have none.
plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=False),
    Column("school_id", ForeignKey("schools.id"), nullable=True),
    Column("campaign_id", ForeignKey("campaigns.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("title", String(500), nullable=False),
    Column("school_year", Integer, nullable=False),  # its first calendar year: 2020 for 2020/21
    Column("approval", String(20), nullable=True),
    Column("review_comment", Text, nullable=True),
    Column("created_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(f"kind IN {PLAN_KINDS!r}", name="kind_known"),
    CheckConstraint(f"approval IN {PLAN_APPROVALS!r}", name="approval_known"),
    # One plan of an order's instructions per round (road maps have no round: NULLs differ).
    UniqueConstraint("campaign_id", "kind", name="uq_plans_campaign_kind"),
)

# An item of a plan, in its section, in the plan's order. ``due_on`` is the last day it may be
# done (a month's last day, the school year's last day…); ``deadline_label`` is how the plan
# wrote it ("август", "в течение учебного года").
plan_items = Table(
    "plan_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("section", String(500), nullable=False),
    Column("number", String(20), nullable=False),
    Column("content", Text, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("deadline_kind", String(20), nullable=False),
    Column("deadline_label", String(200), nullable=False),
    Column("status", String(20), nullable=False, default="planned"),
    Column("report", Text, nullable=True),
    Column("evidence", Text, nullable=True),  # a link, or a Telegram file id
    # What the item was made from, unique in its plan: an order's instruction and its school
    # ("<instruction key>@<school id>"), so saving the order's instructions again updates them.
    Column("source_key", String(200), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("plan_id", "position", name="uq_plan_items_plan_position"),
    UniqueConstraint("plan_id", "source_key", name="uq_plan_items_plan_source"),
    CheckConstraint(f"status IN {ITEM_STATUSES!r}", name="status_known"),
)

# Who answers for an item: a person in the bot (``user_id``), or a name as the plan wrote it
# ("Ильина М.А.", "Администрации ШНОР") with a position; both when the name was recognised.
plan_item_owners = Table(
    "plan_item_owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", ForeignKey("plan_items.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("name", String(300), nullable=False),
    Column("position", String(300), nullable=True),
)

# The schools an item concerns (an instruction to named schools; a school's own road map).
plan_item_schools = Table(
    "plan_item_schools",
    metadata,
    Column("item_id", ForeignKey("plan_items.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)

# Every change of an item's status, with who, when, and what came with it.
plan_item_events = Table(
    "plan_item_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", ForeignKey("plan_items.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("comment", Text, nullable=True),  # a report, or the reason for a new deadline
    Column("due_on", Date, nullable=True),  # the new deadline of a postponement
    Column("at", UTCDateTime, nullable=False),
)

# Every version of a school's road map as its representative uploaded it, and what the
# department decided on it (approved, or returned with a comment).
plan_documents = Table(
    "plan_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
    Column("decision", String(20), nullable=True),  # approved / returned; None: not yet
    Column("comment", Text, nullable=True),
    Column("decided_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    UniqueConstraint("plan_id", "version", name="uq_plan_documents_plan_version"),
    CheckConstraint(f"decision IN {DOCUMENT_DECISIONS!r}", name="decision_known"),
)

# A municipality's monitoring plan (seed 004's schedule): one row per line, in the plan's order.
# Re-uploading the plan replaces its lines; ``campaign_id`` is the first round of the line's
# recurring chain (null: no form chosen, or its chain has not started).
monitoring_plan_lines = Table(
    "monitoring_plan_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("municipality_id", ForeignKey("municipalities.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("number", String(20), nullable=False),
    Column("section", String(300), nullable=False),
    Column("direction", String(1000), nullable=False),
    Column("owners_text", String(1000), nullable=False),
    Column("periodicity", String(300), nullable=False),
    Column("recurrence", String(40), nullable=False),
    Column("form_key", String(100), nullable=True),
    Column("due_day", Integer, nullable=True),  # the deadline's day of month; null: its last day
    # Owners the plan names that are not people of the bot, as written ("; "-separated).
    Column("unmatched_owners", String(1000), nullable=False),
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True),
    Column("uploaded_by", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("uploaded_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "municipality_id", "position", name="uq_monitoring_plan_lines_municipality_position"
    ),
)

# The people of the bot who own a plan line, in the order the plan names them.
monitoring_plan_owners = Table(
    "monitoring_plan_owners",
    metadata,
    Column("line_id", ForeignKey("monitoring_plan_lines.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
)

fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("state", String(200), nullable=True),
    Column("data", JSON, nullable=False, default=dict),
    Column("updated_at", UTCDateTime, nullable=False),
)
