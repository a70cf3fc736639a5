"""Email reminders: triggers and planning (pure), the outbox, rendering and delivery."""
