//! The browser layer: a geckodriver process, a WebDriver session in Firefox, and the in-page
//! fetch of AA's itinerary endpoint.
