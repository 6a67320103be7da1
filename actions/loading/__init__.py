"""Loading the Bali Process record of fixtures/ into a database, without ever overwriting
what the secretariat has made of it.

The rule: a load creates the records the database lacks and leaves every record it holds
exactly as it is, many-to-many links included; a record that differs from its fixture is
reported, not touched. Updating the database from edited fixtures is a separate, deliberate
act (`load_record --update`), which applies a fixture's change only to a record nobody has
changed since it was loaded, and refuses, changing nothing, where the secretariat has.
LoadedRecord keeps, per record, what was loaded, which is how a load tells the two apart.
"""
