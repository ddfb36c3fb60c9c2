"""The stage manager's window: docks for OBS and the scenes, a status line for what went wrong.

The window remembers its geometry and dock layout in an INI file (QSettings),
written when it closes and read when it is built.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, QTimer, Signal, qVersion
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.obs.mirror import ObsMirror
from console.ui.eliding_label import ElidingLabel
from console.ui.obs_panel import ObsPanel
from console.ui.scene_panel import SceneActions, ScenePanel
from console.ui.tasks import run_task
from console.ui.theme import Tone, set_tone
from console.ui.window_layout import default_dock_sizes, fits

log = logging.getLogger(__name__)

APP_TITLE = "Conference production console"
# Bump when the docks change so an old saved layout is ignored rather than misapplied.
# 2: OBS and preflight left under the scenes, Now / Next right
# 3: the interpretation channels under the rundown, the side columns full height
# 4: Viewers in a tab beside the channels, Stream health behind the OBS panel
LAYOUT_VERSION = 4
GEOMETRY_KEY = "mainWindow/geometry"
LAYOUT_KEY = "mainWindow/layout"
DropHandler = Callable[[Path], None]
MINIMUM_SIZE = QSize(480, 360)  # below any screen a show runs on
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StatusMessage:
    """One message of the status line, as it was given."""

    text: str
    error: bool
    topic: str | None  # what it is about ("import", "obs"); None: until the next message
    at: datetime  # when it was given (aware)


class EmptyShowBanner(QFrame):
    """Says the show database is empty and offers the demo show; it blocks nothing.

    Signals:
        load_demo_requested(): the operator asked for the demo show.
    """

    load_demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyShowBanner")
        self.button = QPushButton("Load the demo show")
        self.button.setObjectName("loadDemoButton")
        self.button.clicked.connect(self._request)
        layout = QHBoxLayout(self)
        layout.addWidget(QLabel("This show database is empty."), 1)
        layout.addWidget(self.button)

    def _request(self) -> None:
        self.button.setEnabled(False)  # one load, however often it is clicked
        self.load_demo_requested.emit()

    def offer(self) -> None:
        self.button.setEnabled(True)
        self.show()


class MainWindow(QMainWindow):
    """The console's main window.

    Docks (by objectName): ``obsDock`` (:class:`ObsPanel`), ``scenesDock``
    (:class:`ScenePanel`); more with :meth:`add_panel`. Other children:
    ``emptyShowBanner``, ``statusMessage``, bands added with :meth:`add_banner`. The
    central area holds the rundown and the clock once :meth:`set_rundown` gave them
    (``centralPlaceholder`` until then). Controllers add menus (:meth:`menu`), status
    widgets and the handling of dropped files (:meth:`set_drop_handler`).

    The status line stamps each message with the show's time of day: the zone comes
    from :meth:`set_show_zone` (the machine's until then). ``clock`` tells the time.

    Signals:
        closing(): the window is closing (its layout is saved by then).
    """

    closing = Signal()

    def __init__(self, mirror: ObsMirror, switcher: SceneActions, settings_path: Path,
                 title_suffix: str = "", *, clock: Clock = utc_now) -> None:
        super().__init__()
        self._clock = clock
        self._show_zone: tzinfo | None = None
        self._messages: list[StatusMessage] = []  # still standing, oldest first
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{APP_TITLE} — {title_suffix}" if title_suffix else APP_TITLE)
        self._settings_path = settings_path
        self.obs_panel = ObsPanel(mirror)
        self.scene_panel = ScenePanel(mirror, switcher)
        self.scene_panel.failed.connect(self.show_error)
        self._banner = EmptyShowBanner()
        self._banner.hide()
        self._banner.load_demo_requested.connect(self._load_demo)
        self._demo_loader: Callable[[], Awaitable[str]] | None = None
        self._drop_handler: DropHandler | None = None
        self._menus: dict[str, QMenu] = {}
        self._status = self._make_status_line()
        self._make_top()
        self.setCentralWidget(self._make_central())
        self._docks = [
            self._add_dock("scenesDock", "Scenes", self.scene_panel,
                           Qt.DockWidgetArea.LeftDockWidgetArea),
            self._add_dock("obsDock", "OBS", self.obs_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
        ]
        # The side columns run the window's full height; a bottom dock sits under the
        # rundown only (the interpretation channels).
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._arrange_on_show = False
        # An explicit minimum: without one, Qt grows the window to its contents' size hint
        # whenever they want more room (a long message, a long name), past the screen.
        self.setMinimumSize(MINIMUM_SIZE)
        self._make_menus()
        self._restore_layout()

    # -- construction --------------------------------------------------------

    def _make_central(self) -> QWidget:
        # The rundown lives here (set_rundown); until then the area says so.
        placeholder = QLabel("Rundown")
        placeholder.setObjectName("centralPlaceholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setProperty("caption", True)
        self._placeholder: QWidget = placeholder
        central = QWidget()
        self._central_layout = QVBoxLayout(central)
        self._central_layout.addWidget(self._banner)
        self._central_layout.addWidget(placeholder, 1)
        return central

    def _make_top(self) -> None:
        # The menu bar and, under it, the bands: across the whole window, above the docks.
        top = QWidget()
        top.setObjectName("topArea")
        layout = QVBoxLayout(top)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._menu_bar = QMenuBar(top)
        layout.addWidget(self._menu_bar)
        self._banners = QVBoxLayout()
        self._banners.setContentsMargins(4, 2, 4, 2)
        self._banners.setSpacing(2)
        layout.addLayout(self._banners)
        self.setMenuWidget(top)

    def menuBar(self) -> QMenuBar:  # noqa: N802 (Qt's name)
        """The window's menu bar (inside the top area, above the bands)."""
        return self._menu_bar

    def add_banner(self, banner: QWidget) -> None:
        """A band across the whole window under the menus (storage failing, following
        another console, rehearsal)."""
        self._banners.addWidget(banner)

    def menu(self, title: str) -> QMenu:
        """The menu called ``title`` ("&File", "&Show"), made (before View) if needed."""
        if title not in self._menus:
            menu = QMenu(title, self)
            menu.setObjectName(title.replace("&", "").lower() + "Menu")
            self.menuBar().insertMenu(self._view_menu.menuAction(), menu)
            self._menus[title] = menu
        return self._menus[title]

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def set_rundown(self, rundown: QWidget, clock: QWidget | None = None) -> None:
        """Put the clock (a strip on top, which the splitter cannot collapse) and the
        rundown (all the width below it) in the central area."""
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("rundownSplitter")
        splitter.setChildrenCollapsible(False)
        if clock is not None:
            splitter.addWidget(clock)
        splitter.addWidget(rundown)
        splitter.setStretchFactor(splitter.indexOf(rundown), 1)
        self._central_layout.replaceWidget(self._placeholder, splitter)
        self._placeholder.deleteLater()
        self._placeholder = splitter
        failed = getattr(rundown, "failed", None)
        if failed is not None:
            failed.connect(self.show_error)
        message = getattr(rundown, "message", None)
        if message is not None:
            message.connect(self.show_message)

    def add_panel(self, name: str, title: str, panel: QWidget,
                  area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                  behind: str | None = None) -> QDockWidget:
        """Dock another panel (it gets a View menu entry), in a tab behind the dock called
        ``behind`` if given; call :meth:`restore_layout` once every panel is in, so a
        saved layout covers the new docks too."""
        dock = self._add_dock(name, title, panel, area)
        self._docks.append(dock)
        self._view_menu.addAction(dock.toggleViewAction())
        front = next((d for d in self._docks if d.objectName() == behind), None)
        if front is not None:
            self.tabifyDockWidget(front, dock)
            front.raise_()
        failed = getattr(panel, "failed", None)
        if failed is not None:
            failed.connect(self.show_error)
        return dock

    def add_view_action(self, text: str, slot: Callable[[], object],
                        checkable: bool = False) -> QAction:
        action = self._view_menu.addAction(text)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def add_view_choice(self, title: str, choices: list[str],
                        chosen: Callable[[str], object]) -> QMenu:
        """A submenu of exclusive choices (for example the presenter's screen)."""
        menu = self._view_menu.addMenu(title)
        group = QActionGroup(menu)
        for text in choices:
            action = menu.addAction(text)
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, value=text: chosen(value))
        return menu

    def restore_layout(self) -> None:
        self._restore_layout()

    def _make_status_line(self) -> QLabel:
        # A label rather than showMessage(): Qt clears showMessage() text on hover tips,
        # and an error must stay until the next message. It elides: a long message must
        # never make the window wider than the screen.
        label = ElidingLabel()
        label.setObjectName("statusMessage")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(label, 1)
        return label

    def _add_dock(self, name: str, title: str, panel: QWidget,
                  area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState/restoreState find docks by objectName
        dock.setWidget(panel)
        self.addDockWidget(area, dock)
        return dock

    def _make_menus(self) -> None:
        view = self.menuBar().addMenu("&View")
        self._view_menu = view
        for dock in self._docks:
            view.addAction(dock.toggleViewAction())
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About", self.show_about)

    # -- status line -----------------------------------------------------------------

    def set_show_zone(self, zone: tzinfo | None) -> None:
        """Stamp messages in the show's ``zone`` from now on (None: no show, the machine's
        zone). Call it whenever the show changes."""
        self._show_zone = zone
        self._show_newest()

    def show_message(self, text: str, error: bool = False, *, topic: str | None = None
                     ) -> None:
        """Show ``text`` (one line) in the status bar, stamped with the show's time of day;
        errors in red.

        Without a ``topic`` it stays until the next message. With one ("import", "obs")
        it stands until the next message of that topic replaces it or :meth:`clear`
        takes it away; whenever the message shown goes away, the newest one still
        standing shows again.
        """
        # Only a topic's message outlives a newer message, and a topic has one at a time.
        self._messages = [m for m in self._messages if m.topic not in (None, topic)]
        self._messages.append(StatusMessage(" ".join(text.splitlines()), error, topic,
                                            self._clock()))
        self._show_newest()

    def show_error(self, text: str, *, topic: str | None = None) -> None:
        self.show_message(text, error=True, topic=topic)

    def clear(self, topic: str) -> None:
        """What ``topic``'s message said is no longer true: take the message away."""
        self._messages = [m for m in self._messages if m.topic != topic]
        self._show_newest()

    def status_text(self) -> str:
        return self._status.text()

    def _show_newest(self) -> None:
        if not self._messages:
            self._status.setText("")
            set_tone(self._status, Tone.NEUTRAL)
            return
        message = self._messages[-1]
        # The show's time, as on the clocks: when it happened matters during a live show.
        # astimezone(None) is the machine's zone.
        stamp = message.at.astimezone(self._show_zone).strftime("%H:%M:%S")
        self._status.setText(f"{stamp}  {message.text}")
        set_tone(self._status, Tone.ALARM if message.error else Tone.NEUTRAL)

    # -- the empty show banner -------------------------------------------------------

    def offer_demo(self, callback: Callable[[], Awaitable[str]]) -> None:
        """Show the banner; its button runs ``callback`` and shows the summary it returns."""
        self._demo_loader = callback
        self._banner.offer()

    def _load_demo(self) -> None:
        if self._demo_loader is None:
            return
        run_task(self._run_demo_loader(self._demo_loader), description="Load the demo show",
                 on_error=self._demo_failed)

    async def _run_demo_loader(self, loader: Callable[[], Awaitable[str]]) -> None:
        summary = await loader()
        self._banner.hide()
        self.show_message(summary)

    def hide_empty_show_banner(self) -> None:
        self._banner.hide()

    def _demo_failed(self, message: str) -> None:
        self._banner.offer()  # let the operator try again
        self.show_error(message)

    # -- files dropped on the window ------------------------------------------------

    def set_drop_handler(self, handler: DropHandler | None) -> None:
        """Hand a single local file dropped on the window to ``handler`` (None: refuse drops)."""
        self._drop_handler = handler
        self.setAcceptDrops(handler is not None)

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        return Path(files[0]) if len(files) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if self._drop_handler is not None and self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        path = self._dropped_file(event) if self._drop_handler is not None else None
        if path is None or self._drop_handler is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self._drop_handler(path)

    # -- help ------------------------------------------------------------------------

    def show_about(self) -> QMessageBox:
        # open(), not exec(): a modal loop of its own must never hold up the live show.
        box = QMessageBox(QMessageBox.Icon.Information, f"About {APP_TITLE}",
                          f"{APP_TITLE}\n\nControls OBS Studio for live-streamed, interpreted "
                          f"conferences.\n\nQt {qVersion()}, PySide6 {pyside_version}",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("aboutBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # -- geometry and layout ---------------------------------------------------------

    def _settings(self) -> QSettings:
        return QSettings(str(self._settings_path), QSettings.Format.IniFormat)

    def _restore_layout(self) -> None:
        """The operator's saved layout if it is readable and still fits the screen (a
        smaller screen, a screen gone); otherwise the default layout."""
        settings = self._settings()
        geometry = settings.value(GEOMETRY_KEY)
        layout = settings.value(LAYOUT_KEY)
        restored = isinstance(geometry, QByteArray) and self.restoreGeometry(geometry) \
            and isinstance(layout, QByteArray) and self.restoreState(layout, LAYOUT_VERSION)
        if restored and fits(self.frameGeometry(), self._screen_area()):
            self._arrange_on_show = False
            return
        if geometry is not None or layout is not None:
            log.info("the saved window layout in %s is outdated or does not fit this "
                     "screen: using the default layout", self._settings_path)
        self._default_layout()

    def _screen_area(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _default_layout(self) -> None:
        area = self._screen_area()
        self.setGeometry(area)
        # With a window manager, maximised fits exactly, title bar included.
        self.setWindowState(Qt.WindowState.WindowMaximized)
        self._arrange_on_show = True  # dock sizes apply once the window has its size

    def _arrange_docks(self) -> None:
        sizes = default_dock_sizes(self.width(), self.height())
        docks = {dock.objectName(): dock for dock in self._docks}
        horizontal = [(docks[name], size) for name, size in
                      (("scenesDock", sizes.left), ("nowNextDock", sizes.right)) if name in docks]
        self.resizeDocks([d for d, _ in horizontal], [s for _, s in horizontal],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([docks["scenesDock"], docks["obsDock"]], [sizes.scenes, sizes.status],
                         Qt.Orientation.Vertical)
        if "channelsDock" in docks:
            self.resizeDocks([docks["channelsDock"]], [sizes.channels], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self._arrange_on_show:
            self._arrange_on_show = False
            # Once the window is laid out at its final size: sized before that, Qt shares
            # the rest of the growth among the docks.
            QTimer.singleShot(0, self._arrange_docks)

    def save_layout(self) -> None:
        self._settings_path.parent.mkdir(parents=True, exist_ok=True)
        settings = self._settings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.setValue(LAYOUT_KEY, self.saveState(LAYOUT_VERSION))
        settings.sync()
        if settings.status() is not QSettings.Status.NoError:
            log.warning("could not save the window layout to %s: %s", self._settings_path,
                        settings.status().name)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.save_layout()
        super().closeEvent(event)
        self.closing.emit()
