"""What a supervisor must see: overdue follow-ups, reflection periods ending with no next
step, restrictions of movement in force, refused non-cooperation attempts."""
