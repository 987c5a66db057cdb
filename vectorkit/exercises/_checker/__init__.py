"""The checker machinery: question kinds, comparison, display, placeholder and progress registry."""
