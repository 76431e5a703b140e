"""resolve: turn extracted spans into coded events with actors, place and date."""
