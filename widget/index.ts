// zod-jitless must stay the first import (see the file)
import './zod-jitless';
import { createWidgetConstructor } from './create-widget-constructor';

/** The AMD factory's return value: the widget constructor amoCRM instantiates. */
export default createWidgetConstructor({
  backendUrl: __WIDGET_BACKEND_URL__,
  supportEmail: __WIDGET_SUPPORT_EMAIL__,
  globals: globalThis,
});
