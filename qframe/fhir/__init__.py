"""HL7 FHIR R4 (R4B models) Measure and MeasureReport: export, import and their extensions."""
