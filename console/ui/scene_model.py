"""OBS's scene list as a Qt item model, with program and preview marked.

The model holds names and marks only; which scene the operator has selected is
the view's selection, so refreshing the marks never touches it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from console.ui.theme import colour

PROGRAM_TAG = "PGM"
PREVIEW_TAG = "PVW"
TAG_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class SceneListModel(QAbstractListModel):
    """Scene names in OBS's order; ``TAG_ROLE`` says "PGM", "PVW", both or nothing."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scenes: tuple[str, ...] = ()
        self._program: str | None = None
        self._preview: str | None = None

    @property
    def scenes(self) -> tuple[str, ...]:
        return self._scenes

    def show_scenes(self, scenes: tuple[str, ...], program: str | None,
                    preview: str | None) -> None:
        """Show a new list and marks; a list that did not change keeps its rows (and selection)."""
        if scenes != self._scenes:
            self.beginResetModel()
            self._scenes, self._program, self._preview = scenes, program, preview
            self.endResetModel()
        elif (program, preview) != (self._program, self._preview):
            self._program, self._preview = program, preview
            if scenes:
                self.dataChanged.emit(self.index(0), self.index(len(scenes) - 1))

    def row_of(self, scene: str | None) -> int | None:
        return self._scenes.index(scene) if scene in self._scenes else None

    def tag(self, scene: str) -> str:
        tags = [PROGRAM_TAG] if scene == self._program else []
        if scene == self._preview:
            tags.append(PREVIEW_TAG)
        return " ".join(tags)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._scenes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._scenes):
            return None
        scene = self._scenes[index.row()]
        match role:
            case Qt.ItemDataRole.DisplayRole | Qt.ItemDataRole.EditRole:
                return scene
            case Qt.ItemDataRole.BackgroundRole:
                return self._background(scene)
            case Qt.ItemDataRole.ToolTipRole | Qt.ItemDataRole.AccessibleDescriptionRole:
                return self._description(scene)
            case _ if role == TAG_ROLE:
                return self.tag(scene)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren

    def _background(self, scene: str) -> QColor | None:
        # Program wins: a scene that is on air and on preview is on air.
        if scene == self._program:
            return colour("program")
        if scene == self._preview:
            return colour("preview")
        return None

    def _description(self, scene: str) -> str:
        if scene == self._program:
            return "on program (on air)"
        if scene == self._preview:
            return "on preview"
        return ""


class SceneItemDelegate(QStyledItemDelegate):
    """Paints a scene row: its mark colour, the name, the tag on the right, a selection ring.

    The default painting would cover the program red with the selection colour;
    here the mark always shows, the operator's selection is a white ring and marked rows are bold.
    """

    PADDING = 10
    RING_WIDTH = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> Any:  # noqa: N802
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), option.fontMetrics.height() * 2))
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        # PySide's stubs do not declare the option's fields, hence the getattr calls.
        rect: QRect = getattr(option, "rect")  # noqa: B009
        state = getattr(option, "state")  # noqa: B009
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        painter.save()
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if background is not None:
            painter.fillRect(rect, background if enabled else background.darker(200))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, colour("raised"))
        painter.setPen(colour("text") if enabled else colour("text_dim"))
        self._draw_texts(painter, option, rect, index)
        if state & QStyle.StateFlag.State_Selected:
            self._draw_ring(painter, rect, colour("text") if enabled else colour("text_dim"))
        painter.restore()

    def _draw_texts(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect,
                    index: Index) -> None:
        font = QFont(getattr(option, "font"))  # noqa: B009
        text_rect = rect.adjusted(self.PADDING, 0, -self.PADDING, 0)
        tag = str(index.data(TAG_ROLE) or "")
        if tag:
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             tag)
            text_rect.setRight(text_rect.right() - painter.fontMetrics().horizontalAdvance(tag)
                               - self.PADDING)
        painter.setFont(font)
        name = painter.fontMetrics().elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole)), Qt.TextElideMode.ElideRight,
            text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         name)

    def _draw_ring(self, painter: QPainter, rect: QRect, ring: QColor) -> None:
        pen = QPen(ring, self.RING_WIDTH)
        painter.setPen(pen)
        half = self.RING_WIDTH // 2 + 1
        painter.drawRect(rect.adjusted(half, half, -half, -half))
