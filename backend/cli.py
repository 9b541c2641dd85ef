"""Flask commands: `flask entries purge`, `flask push init`, `flask nudges run|tick`,
`flask export-all` / `flask import-all`, `flask mail test` (and, later, demo data)."""

import logging
import os
import signal
import sys
import threading
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .extensions import db
from .models import utcnow
from .models.base import clock as app_clock
from .services import backup, jobs, mail, mail_text, maintenance, nudges, push, wakeup
from .services.delivery import Sender

entries_cli = AppGroup("entries", help="Entry housekeeping.")
push_cli = AppGroup("push", help="Web Push keys.")
nudges_cli = AppGroup("nudges", help="The worker: daily nudges, reminders and partner pushes.")
mail_cli = AppGroup("mail", help="Outgoing email (SMTP_* settings).")
log = logging.getLogger("hearth.worker")


@entries_cli.command("purge")
@click.option("--days", type=int, default=None, help="Keep tombstones this many days (default: TOMBSTONE_DAYS).")
def purge(days):
    """Remove tombstones older than the horizon; devices behind it resync from 0."""
    removed = maintenance.purge_tombstones(days)
    click.echo(f"removed {removed} tombstones")


@push_cli.command("init")
@click.option("--force", is_flag=True, help="Replace existing keys: every device must subscribe again.")
def push_init(force):
    """Create the VAPID key pair in the instance folder, once."""
    if current_app.config.get("VAPID_PRIVATE_KEY"):
        _, public_key = _keys()
        click.echo(f"VAPID keys come from VAPID_PRIVATE_KEY; nothing written.\npublic key: {public_key}")
        return
    try:
        path, public_key = push.init_keys(force=force)
    except push.KeysExist as exc:
        raise click.ClickException(
            f"VAPID keys already exist at {exc}; not replacing them (every push subscription depends on them). "
            "Use --force to replace them anyway."
        ) from None
    click.echo(f"VAPID keys written to {path}\npublic key: {public_key}")


@push_cli.command("key")
def push_key():
    """Print the public key (fails when there is no usable key)."""
    click.echo(_keys()[1])


def _keys():
    try:
        return push.load_vapid()
    except push.KeysMissing as exc:
        raise click.ClickException(str(exc)) from None


def _sender():
    config = current_app.config
    vapid, _ = _keys()
    return Sender(vapid, config["VAPID_SUBJECT"], timeout=config["PUSH_TIMEOUT"], threads=config["PUSH_THREADS"])


@nudges_cli.command("tick")
@click.option("--now", "when", default=None, help="Run as if at this ISO 8601 instant (default: now).")
def nudges_tick(when):
    """One pass: queue what is due, deliver what is pending."""
    now = nudges.parse_now(when) if when else utcnow()
    with _sender() as sender:
        counts = nudges.tick(now, sender)
    click.echo(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))


@nudges_cli.command("run")
@click.option("--interval", type=float, default=None, help="Seconds between ticks (default: NUDGE_INTERVAL).")
@click.option(
    "--from",
    "start",
    default=None,
    help="Simulated time: start the clock at this ISO 8601 instant and tick every simulated minute.",
)
@click.option(
    "--speed", type=float, default=1.0, show_default=True, help="With --from: simulated seconds per real second."
)
@click.option("--minutes", type=int, default=None, help="With --from: stop after this many simulated minutes.")
@click.option(
    "--real-start",
    type=float,
    default=None,
    help="With --from: the UNIX time that maps to --from (default: now). Give several workers the "
    "same value and their clocks agree.",
)
def nudges_run(interval, start, speed, minutes, real_start):
    """Tick once a minute until stopped, and send partner pushes in between as soon as their burst
    settles (services/wakeup.py); SIGTERM or Ctrl-C finishes the current pass, then exits."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    interval = interval or current_app.config["NUDGE_INTERVAL"]
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with _sender() as sender:
        if start:
            clock = _Simulated(nudges.parse_now(start), speed, real_start)
            log.info("worker started: simulated clock from %s at %sx", clock.start.isoformat(), speed)
        else:
            clock = _Real(interval)
            log.info("worker started: one tick every %ss", interval)
        ticked, totals = _run(sender, stop, clock, minutes)
    if start:
        click.echo(f"simulated {ticked} minutes: " + " ".join(f"{k}={v}" for k, v in sorted(totals.items())))
    log.info("worker stopped")


class _Real:
    """Real time: a tick at once, then one at the start of each interval."""

    def __init__(self, interval):
        self.interval = interval

    def now(self):
        return utcnow()

    def tick_now(self, _instant):
        return utcnow()

    def ticks(self):
        """(real time, instant) of each tick; instant None: utcnow() when it runs."""
        yield time.time(), None
        while True:
            t = time.time()
            yield t - t % self.interval + self.interval, None


class _Simulated:
    """A clock that runs `speed` times faster from `start`: simulated minute m is ticked at real time
    real_start + 60 m / speed (at once when behind), every minute once. The app's clock
    (models.utcnow: session expiry, sent_at, …) is set to each instant read, so a pass agrees with it."""

    def __init__(self, start, speed, real_start):
        self.start, self.speed = start, speed
        self.real_start = time.time() if real_start is None else real_start

    def now(self):
        return self._set(self.start + timedelta(seconds=(time.time() - self.real_start) * self.speed))

    def ticks(self):
        m = 0
        while True:
            yield self.real_start + 60 * m / self.speed, self.start + timedelta(minutes=m)
            m += 1

    def tick_now(self, instant):
        return self._set(instant)

    @staticmethod
    def _set(instant):
        app_clock.shift_to(instant)
        return instant


def _run(sender, stop, clock, minutes=None):
    """Ticks on `clock` (at most `minutes` ticks) and, between ticks, delivers what a wake finds due.
    Returns (ticks run, summed counts)."""
    waker = wakeup.waker(clock.now, current_app.config)
    totals, ticked = {}, 0
    try:
        for at, instant in clock.ticks():
            if minutes is not None and ticked >= minutes:
                break
            while not stop.is_set() and time.time() < at:
                if waker.wait(at - time.time(), stop):
                    _add(totals, _wake(clock.now, sender, stop))
            if stop.is_set():
                break
            _add(totals, _tick(clock.tick_now(instant), sender, stop))
            ticked += 1
    finally:
        waker.close()
    return ticked, totals


def _add(totals, counts):
    for key, value in counts.items():
        totals[key] = totals.get(key, 0) + value


def _tick(now, sender, stop):
    counts = {}
    try:
        counts = nudges.tick(now, sender, stop=stop.is_set)
        if any(counts.values()):
            log.info("tick %s: %s", now.isoformat(), counts)
    except Exception:  # a bad tick (database away) must not end the worker
        log.exception("tick failed")
    finally:
        db.session.remove()
    return counts


def _wake(now_fn, sender, stop):
    """Partner pushes between ticks: once the burst settles, deliver the due jobs (no nudge tick)."""
    config, counts = current_app.config, {}
    try:
        if wakeup.settle(now_fn, stop, config["PUSH_QUIET"], config["PUSH_WINDOW"]):
            now = now_fn()
            counts = jobs.deliver_due(now, sender, stop=stop.is_set)
            if any(counts.values()):
                log.info("wake %s: %s", now.isoformat(), counts)
    except Exception:  # the database away: the next wake or tick tries again, without spinning
        log.exception("wake failed")
        stop.wait(5)
    finally:
        db.session.remove()
    return counts


@click.command("export-all")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@with_appcontext
def export_all(path):
    """Write every table (users, couples, entries, sync state, subscriptions…) as JSON lines to PATH (- for stdout)."""
    if path == "-":
        counts = backup.export_all(sys.stdout)
    else:
        tmp = f"{path}.partial"
        try:
            with open(tmp, "w", encoding="utf-8") as out:
                counts = backup.export_all(out)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        os.replace(tmp, path)  # a half-written backup never has the final name
    click.echo(_summary("exported", counts), err=True)


class _Lines:
    """The lines of a backup file, from the start each time it is iterated (import-all reads twice)."""

    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, encoding="utf-8") as stream:
            yield from stream


@click.command("import-all")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--replace-bad-text",
    is_flag=True,
    help="Replace NUL and lone surrogates (stored by old versions) with U+FFFD instead of refusing them.",
)
@with_appcontext
def import_all(path, replace_bad_text):
    """Check a backup written by export-all, then load it into this empty, migrated database (one transaction).

    Problems are listed by table, row number, line and column, never with the row's values."""
    lines = list(sys.stdin) if path == "-" else _Lines(path)
    try:
        counts, repaired = backup.import_all(lines, fix=replace_bad_text)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"the backup is not UTF-8 text (byte {exc.start} of a line)") from None
    for line in repaired:
        click.echo(line)
    click.echo(_summary("imported", counts))


def _summary(verb, counts):
    return f"{verb} " + ", ".join(f"{table}={n}" for table, n in counts.items())


@mail_cli.command("test")
@click.argument("address")
def mail_test(address):
    """Send one message to ADDRESS now, in the foreground: checks the SMTP settings end to end."""
    try:
        settings = mail.SmtpSettings.from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if settings is None:
        raise click.ClickException("SMTP_HOST is not set: mail is written to the server log instead of sent.")
    subject, text = mail_text.render("mail_test")
    try:
        mail.deliver(settings, mail.build_message(current_app.config["MAIL_FROM"], address, subject, text))
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the operator reads it
        raise click.ClickException(
            f"not sent through {settings.host}:{settings.port} ({settings.security}): {type(exc).__name__}: {exc}"
        ) from None
    click.echo(f"sent to {address} through {settings.host}:{settings.port} ({settings.security})")


def register(app):
    app.cli.add_command(entries_cli)
    app.cli.add_command(push_cli)
    app.cli.add_command(nudges_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(export_all)
    app.cli.add_command(import_all)
