"""The open streams of one live process, in memory, found by user, couple and session.

A Stream holds the position its phone was last told and the position it should be told now; the hub
moves the latter (from a notification or a tick) and wakes the stream's handler, which writes the
latest position once: moves that land before the handler runs are coalesced into one event.
"""

import asyncio


class Stream:
    __slots__ = ("user_id", "session_id", "couple_id", "couple_seq", "own_seq", "sent", "ping", "closed", "event")

    def __init__(self, user_id, session_id, couple_id, couple_seq, own_seq):
        self.user_id, self.session_id = user_id, session_id
        self.couple_id, self.couple_seq, self.own_seq = couple_id, couple_seq, own_seq
        self.sent = None  # the cursor last written; None: nothing yet, so the first wake writes it
        self.ping = self.closed = False
        self.event = asyncio.Event()

    def cursor(self):
        return f"{self.couple_seq}.{self.own_seq}"  # sync.format_cursor's form

    def wake(self):
        self.event.set()


class Hub:
    def __init__(self):
        self.by_user, self.by_couple, self.by_session = {}, {}, {}

    def __len__(self):
        return sum(len(streams) for streams in self.by_user.values())

    def add(self, stream):
        self.by_user.setdefault(stream.user_id, set()).add(stream)
        self.by_session.setdefault(stream.session_id, set()).add(stream)
        if stream.couple_id is not None:
            self.by_couple.setdefault(stream.couple_id, set()).add(stream)
        stream.wake()

    def remove(self, stream):
        _discard(self.by_user, stream.user_id, stream)
        _discard(self.by_session, stream.session_id, stream)
        if stream.couple_id is not None:
            _discard(self.by_couple, stream.couple_id, stream)

    def user_ids(self):
        return list(self.by_user)

    def session_ids(self):
        return list(self.by_session)

    def sessions_of(self, user_ids):
        return list({stream.session_id for user_id in user_ids for stream in self.by_user.get(user_id, ())})

    # --- moves -----------------------------------------------------------------------------------

    def couple_moved(self, couple_id, seq):
        for stream in self.by_couple.get(couple_id, ()):
            if seq > stream.couple_seq:
                stream.couple_seq = seq
                stream.wake()

    def own_moved(self, user_id, own_seq):
        for stream in self.by_user.get(user_id, ()):
            if own_seq > stream.own_seq:
                stream.own_seq = own_seq
                stream.wake()

    def counters(self, user_id, couple_id, couple_seq, own_seq):
        """The user's counters as the database has them now (a tick, or a re-read): their couple too,
        which may have changed. A stream whose cursor differs from what it last wrote, or whose couple
        changed, is woken."""
        for stream in list(self.by_user.get(user_id, ())):
            if stream.couple_id != couple_id:
                if stream.couple_id is not None:
                    _discard(self.by_couple, stream.couple_id, stream)
                stream.couple_id = couple_id
                if couple_id is not None:
                    self.by_couple.setdefault(couple_id, set()).add(stream)
                stream.sent = None  # a new couple is told even when the cursor reads the same
            stream.couple_seq, stream.own_seq = couple_seq, own_seq
            if stream.cursor() != stream.sent:
                stream.wake()

    # --- endings ---------------------------------------------------------------------------------

    def end_session(self, session_id):
        for stream in list(self.by_session.get(session_id, ())):
            self._end(stream)

    def end_user(self, user_id):
        for stream in list(self.by_user.get(user_id, ())):
            self._end(stream)

    def keep_sessions(self, live_ids, checked):
        """Ends the streams of every session in `checked` that is not in `live_ids`."""
        for session_id in set(checked) - set(live_ids):
            self.end_session(session_id)

    def _end(self, stream):
        self.remove(stream)
        stream.closed = True
        stream.wake()

    def ping_all(self):
        for streams in self.by_user.values():
            for stream in streams:
                stream.ping = True
                stream.wake()


def _discard(index, key, stream):
    streams = index.get(key)
    if streams is not None:
        streams.discard(stream)
        if not streams:
            del index[key]
