"""Qt widgets and windows: they show models' snapshots and ask services to act.

Widgets subscribe to model signals (psygnal, on the loop's thread) and run
service coroutines through :func:`console.ui.tasks.run_task`; they never talk
to obsws-python or SQL.
"""
