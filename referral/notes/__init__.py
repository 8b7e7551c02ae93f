"""Case notes and the contact log: who met or called the person, when, with which
interpreter, and what was said. Sealed at rest, visible by role, append-only once the short
editing window has passed (corrections are added, the original stays)."""
