"""Which educational districts an export spans, for the district step of /export."""

from collections import Counter
from collections.abc import Sequence

from core.access import Action, visible_schools
from core.actors import Actor
from core.directory import load_directory
from storage import Database
from storage.exports import campaign_school_ids


async def district_counts(
    database: Database, actor: Actor, campaign_ids: Sequence[int]
) -> tuple[int, list[tuple[int, str, int]]]:
    """The schools the actor's export of these campaigns spans, and (district id, name, schools)
    of its districts."""
    directory = await load_directory(database)
    async with database.read() as conn:
        by_campaign = await campaign_school_ids(conn, campaign_ids)
    members = {school_id for ids in by_campaign.values() for school_id in ids}
    schools = visible_schools(
        actor, Action.EXPORT, (directory.schools[s] for s in members if s in directory.schools)
    )
    counts = Counter(school.district_id for school in schools if school.district_id is not None)
    districts = [
        (district_id, directory.districts[district_id].name, count)
        for district_id, count in counts.items()
    ]
    return len(schools), sorted(districts, key=lambda item: item[1])
