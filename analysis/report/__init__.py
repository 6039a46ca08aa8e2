"""APA tables, figures and the HTML report."""
