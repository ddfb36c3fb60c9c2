"""Use cases: asyncio, no widgets. The UI calls these; these call the OBS layer and the store."""
