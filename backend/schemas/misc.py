from marshmallow import Schema, fields, validate

from .accounts import UserOut
from .couples import CoupleOut
from .entries import EntryOut
from .keys import ExportKeysOut


class StatsQuery(Schema):
    weeks = fields.Integer(load_default=12, validate=validate.Range(min=1, max=104))


class WeekCounts(Schema):
    week_start = fields.String()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class MeaningfulChats(Schema):
    total = fields.Integer(
        metadata={
            "description": "Ended sessions of the talking rituals (weekly check-in, "
            "state of us, connection check, the guided exercises) started in the "
            "window; one per ritual per local day."
        }
    )
    per_month = fields.Float(
        metadata={"description": "total / months in the window (or since pairing when shorter; at least one month)."}
    )
    target = fields.List(fields.Integer(), metadata={"description": "The guide: 4 to 6 a month."})


class MutualDisclosures(Schema):
    this_quarter = fields.Integer(
        metadata={
            "description": "Local dates in the current calendar quarter on which both partners shared a disclosure."
        }
    )


class FollowUps(Schema):
    made = fields.Integer(metadata={"description": "Shared commitments created in the window."})
    done = fields.Integer(metadata={"description": "Of those, marked done."})
    overdue = fields.Integer(metadata={"description": "Of those, not done and past their due date."})


class Bids(Schema):
    total = fields.Integer(metadata={"description": "Shared bids made in the window."})
    toward = fields.Integer()
    away = fields.Integer()
    against = fields.Integer()
    unanswered = fields.Integer()
    toward_rate = fields.Float(
        allow_none=True,
        metadata={"description": "toward / answered, by the latest response to each bid; null with none answered."},
    )


class PositiveRatio(Schema):
    positive = fields.Integer(
        metadata={"description": "Appreciations, toward responses, heart and thanks reactions in the window."}
    )
    corrective = fields.Integer(metadata={"description": "Away and against responses, tension disclosures."})
    ratio = fields.Float(
        allow_none=True,
        metadata={"description": "positive / corrective (the guide is 5); null when nothing was corrective."},
    )


class Checkins(Schema):
    count = fields.Integer()
    mood_avg = fields.Float(allow_none=True)
    us_avg = fields.Float(allow_none=True)


class StatsOut(Schema):
    """The Us page, from shared entries only, over the user's last `weeks` x 7 local days."""

    weeks = fields.Integer()
    meaningful_chats = fields.Nested(MeaningfulChats)
    mutual_disclosures = fields.Nested(MutualDisclosures)
    follow_ups = fields.Nested(FollowUps)
    bids = fields.Nested(Bids)
    positive_ratio = fields.Nested(PositiveRatio)
    checkins = fields.Nested(Checkins)
    reassessment_due = fields.Boolean(
        metadata={"description": "12 weeks since pairing or since the last reassessment session ended."}
    )
    suggest_help = fields.Boolean(
        metadata={"description": "Offer the Get help page gently: see README, Rituals and the Us numbers."}
    )
    per_week = fields.List(
        fields.Nested(WeekCounts),
        metadata={"description": "Shared entries by kind per local week, Monday first (answers are not counted)."},
    )


class ExportOut(Schema):
    exported_at = fields.DateTime()
    user = fields.Nested(UserOut)
    couple = fields.Nested(CoupleOut, allow_none=True)
    entries = fields.List(fields.Nested(EntryOut))
    push_devices = fields.Integer()
    keys = fields.Nested(ExportKeysOut)


class HealthOut(Schema):
    status = fields.String()
