"""Setting up the show's interpretation channels in the window (Show ▸ Interpretation channels).

One row per channel (the floor first): the OBS connection that carries it, the OBS
input with its audio, the output audio tracks, where the mix goes, and the booth it
relays when it does not understand the speaker. Under the table, what a take does
when a channel is not ready and how long silence on air may last. The plan's
problems (seven mixes on one OBS, a track used twice, a connection this console
does not have) are listed as the operator types, and Save stays off until there is
none. Opened with ``open()``: a nested ``exec()`` would stall the asyncio loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.models.channels import ChannelConfig, ChannelPlan, PlanProblem, ReadinessPolicy
from console.models.errors import InvalidValue
from console.services.channel_setup import parse_tracks
from console.ui.theme import Tone, set_tone

DIALOG_NAME = "channelPlanDialog"
COLUMNS = ("Language", "OBS", "Input", "Tracks", "Destination", "Relay from")
LANGUAGE, OBS, INPUT, TRACKS, DESTINATION, PIVOT = range(len(COLUMNS))
NO_PIVOT = "—"
TABLE_EXTRA_PX = 170  # the policy, the alarm delay, the problems line and the buttons
PlanCheck = Callable[[ChannelPlan], list[PlanProblem]]  # the plan's problems, if any
POLICY_WORDS = {ReadinessPolicy.WARN: "warn and take",
                ReadinessPolicy.REQUIRE: "refuse unless I confirm an override"}


class ChannelPlanDialog(QDialog):
    """Edits a :class:`ChannelPlan`; :meth:`plan` is what the form says (or why not)."""

    def __init__(self, plan: ChannelPlan, obs_names: Sequence[str],
                 check: PlanCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(DIALOG_NAME)
        self.setWindowTitle("Interpretation channels")
        self._original = plan
        self._obs_names = list(dict.fromkeys([*obs_names, *plan.obs_names]))
        self._check = check
        self.table = self._make_table(plan)
        self.policy = QComboBox()
        self.policy.setObjectName("readinessPolicy")
        for policy, words in POLICY_WORDS.items():
            self.policy.addItem(words, policy.value)
        self.policy.setCurrentIndex(list(POLICY_WORDS).index(plan.readiness))
        self.silent_after = QDoubleSpinBox()
        self.silent_after.setObjectName("silentAfter")
        self.silent_after.setRange(1, 600)
        self.silent_after.setDecimals(0)
        self.silent_after.setSuffix(" s")
        self.silent_after.setValue(plan.silent_after_s)
        self.problems = QLabel()
        self.problems.setObjectName("channelPlanProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.table.itemChanged.connect(lambda _item: self.recheck())
        self.policy.currentIndexChanged.connect(lambda _index: self.recheck())
        self.recheck()

    def _make_table(self, plan: ChannelPlan) -> QTableWidget:
        table = QTableWidget(len(plan.channels), len(COLUMNS))
        table.setObjectName("channelTable")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.verticalHeader().hide()
        # Rows as tall as the OBS and relay choosers in them, so none covers the next.
        table.verticalHeader().setDefaultSectionSize(QComboBox().sizeHint().height() + 2)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(INPUT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DESTINATION, QHeaderView.ResizeMode.Stretch)
        booths = [c.language for c in plan.channels if not c.floor]
        for row, channel in enumerate(plan.channels):
            self._fill_row(table, row, channel, booths)
        return table

    def _fill_row(self, table: QTableWidget, row: int, channel: ChannelConfig,
                  booths: list[str]) -> None:
        language = QTableWidgetItem(f"{channel.language} (floor)" if channel.floor
                                    else channel.language)
        language.setFlags(language.flags() & ~Qt.ItemFlag.ItemIsEditable)
        language.setData(Qt.ItemDataRole.UserRole, channel)
        table.setItem(row, LANGUAGE, language)
        table.setCellWidget(row, OBS, self._combo(self._obs_names, channel.obs))
        table.setItem(row, INPUT, QTableWidgetItem(channel.input))
        table.setItem(row, TRACKS, QTableWidgetItem(", ".join(map(str, channel.tracks))))
        table.setItem(row, DESTINATION, QTableWidgetItem(channel.destination))
        if not channel.floor:
            pivots = [NO_PIVOT, *(b for b in booths if b != channel.language)]
            table.setCellWidget(row, PIVOT, self._combo(pivots, channel.pivot or NO_PIVOT))

    def _combo(self, choices: list[str], current: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(choices)
        combo.setCurrentText(current)
        combo.currentIndexChanged.connect(lambda _index: self.recheck())
        return combo

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("When a channel on air is not ready at a take:", self.policy)
        form.addRow("Alarm when a channel on air is silent for:", self.silent_after)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        # Every channel in view without scrolling (up to the screen's height).
        rows = self.table.rowCount() * self.table.verticalHeader().defaultSectionSize()
        table_px = rows + self.table.horizontalHeader().sizeHint().height() + 4
        screen = self.screen().availableGeometry().height() if self.screen() else 800
        self.resize(900, min(screen - 80, table_px + TABLE_EXTRA_PX))

    # -- reading the form -------------------------------------------------------------

    def plan(self) -> ChannelPlan:
        """The plan the form describes; :class:`InvalidValue` naming the cell otherwise."""
        channels = tuple(self._channel(row) for row in range(self.table.rowCount()))
        return ChannelPlan(channels, silent_after_s=self.silent_after.value(),
                           readiness=ReadinessPolicy(self.policy.currentData()))

    def _channel(self, row: int) -> ChannelConfig:
        item = self.table.item(row, LANGUAGE)
        original = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        assert isinstance(original, ChannelConfig)
        where = f"channel {original.language}"
        pivot = self._text(row, PIVOT)
        return ChannelConfig(
            language=original.language, obs=self._text(row, OBS),
            input=self._text(row, INPUT).strip(),
            tracks=parse_tracks(self._text(row, TRACKS), f"{where}: tracks"),
            destination=self._text(row, DESTINATION).strip(), floor=original.floor,
            covers=original.covers, pivot=None if pivot in ("", NO_PIVOT) else pivot)

    def _text(self, row: int, column: int) -> str:
        widget = self.table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return widget.currentText()
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def recheck(self) -> list[str]:
        """List what keeps the form's plan from being saved; Save is on only without any."""
        try:
            problems = [str(p) for p in self._check(self.plan())]
        except InvalidValue as error:
            problems = [str(error)]
        self.problems.setText("\n".join(problems) if problems else "The plan is sound.")
        set_tone(self.problems, Tone.ALARM if problems else Tone.NEUTRAL)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problems)
        return problems

